package api

import (
	"net/http"
	"time"
)

// accessTokenJSON is Entities::PersonalAccessToken: the fields every version
// since 15.5 shows. Newer versions add the ones of accessTokenDetailsJSON.
type accessTokenJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Revoked   bool      `json:"revoked"`
	CreatedAt time.Time `json:"created_at"`
	Scopes    []string  `json:"scopes"`
	UserID    int64     `json:"user_id"`
	Active    bool      `json:"active"`
	// ExpiresAt is a date, "2026-01-31", or null.
	ExpiresAt *string `json:"expires_at"`
}

// accessTokenDetailsJSON is the newest entity
// (PersonalAccessTokenWithLastUsedIps). (≈) The versions that added these
// fields are not pinned; the mock shows them from 17.0.
type accessTokenDetailsJSON struct {
	accessTokenJSON
	Expired     bool       `json:"expired"`
	Granular    bool       `json:"granular"`
	Description *string    `json:"description"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	LastUsedIPs []string   `json:"last_used_ips"`
}

// getOwnAccessToken is GET /personal_access_tokens/self (15.5+): any scope
// may read its own token. An expired, revoked or unknown token never gets
// here: authentication answers 401 first, as GitLab's APIGuard does.
func (c *reqCtx) getOwnAccessToken() {
	v := c.st.Version()
	if !v.AtLeast(15, 5) {
		c.routeNotFound()
		return
	}
	if !c.authenticate() {
		return
	}
	t := c.caller.AccessToken()
	base := accessTokenJSON{
		ID: t.ID, Name: t.Name, Revoked: t.Revoked, CreatedAt: t.CreatedAt, Scopes: t.Scopes,
		UserID: t.UserID, Active: t.Active,
	}
	if base.Scopes == nil {
		base.Scopes = []string{}
	}
	if t.ExpiresAt != nil {
		day := t.ExpiresAt.Format(time.DateOnly)
		base.ExpiresAt = &day
	}
	if !v.AtLeast(17, 0) {
		c.json(http.StatusOK, base)
		return
	}
	c.json(http.StatusOK, accessTokenDetailsJSON{accessTokenJSON: base, Expired: !t.Active && !t.Revoked, LastUsedIPs: []string{}})
}

// invalidToken is APIGuard's answer for a known token that expired or was
// revoked: 401 invalid_token with GitLab's description, also in the
// WWW-Authenticate header.
func (c *reqCtx) invalidToken(description string) {
	c.w.Header().Set("WWW-Authenticate", `Bearer realm="The API", error="invalid_token", error_description="`+description+`"`)
	c.json(http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": description})
}
