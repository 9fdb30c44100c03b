package store

import (
	"fmt"
	"sort"
	"time"
)

// GitLab's answers for a personal access token that exists but no longer
// works (lib/gitlab/auth/auth_finders.rb's ExpiredError and RevokedError,
// rendered by lib/api/api_guard.rb as 401 invalid_token).
const (
	TokenExpiredDescription = "Token is expired. You can either do re-authorization or token refresh."
	TokenRevokedDescription = "Token was revoked. You have to re-authorize from the user."
)

// PersonalAccessToken is a personal access token as GET
// /personal_access_tokens/self shows it to its owner.
type PersonalAccessToken struct {
	ID        int64
	Name      string
	UserID    int64
	Scopes    []string
	CreatedAt time.Time
	// ExpiresAt is the day the token expires (00:00 UTC), nil for none.
	ExpiresAt *time.Time
	Revoked   bool
	// Active: neither revoked nor expired.
	Active bool
}

// newTokenRecordLocked is a new token's record: the next id, created now.
func (st *Store) newTokenRecordLocked(token string, userID int64, scopes []string) *tokenRecord {
	id := st.nextTokenID
	st.nextTokenID++
	return &tokenRecord{
		ID: id, Name: fmt.Sprintf("token-%d", id), Token: token, UserID: userID,
		Scopes: append([]string(nil), scopes...), CreatedAt: st.now(),
	}
}

// sortedTokensLocked lists the tokens in a stable order (by token).
func (st *Store) sortedTokensLocked() []*tokenRecord {
	out := make([]*tokenRecord, 0, len(st.tokens))
	for _, t := range st.tokens {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Token < out[j].Token })
	return out
}

// expired: GitLab's expires_at is a date, and a token stops working at the
// start of that day.
func (t *tokenRecord) expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// invalid says why a known token does not authenticate, nil when it does.
// Expiry is checked before revocation, as AccessTokenValidationService does.
func (t *tokenRecord) invalid(now time.Time) error {
	switch {
	case t.expired(now):
		return &Error{Reason: InvalidToken, Message: TokenExpiredDescription}
	case t.Revoked:
		return &Error{Reason: InvalidToken, Message: TokenRevokedDescription}
	}
	return nil
}

// SetPersonalAccessTokenExpiry makes a token expire on day (its date in UTC:
// the token stops working at 00:00 UTC that day, as GitLab's date column
// does); a zero day removes the expiry.
func (st *Store) SetPersonalAccessTokenExpiry(token string, day time.Time) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.tokens[token]
	if !ok {
		return fmt.Errorf("no such personal access token")
	}
	if day.IsZero() {
		t.ExpiresAt = nil
		return nil
	}
	d := day.UTC().Truncate(24 * time.Hour)
	t.ExpiresAt = &d
	return nil
}

// RevokePersonalAccessToken revokes a token: from now on every request
// with it answers 401 "Token was revoked".
func (st *Store) RevokePersonalAccessToken(token string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.tokens[token]
	if !ok {
		return fmt.Errorf("no such personal access token")
	}
	t.Revoked = true
	return nil
}

// AccessToken is the token the caller authenticated with.
func (c *Caller) AccessToken() PersonalAccessToken {
	c.st.mu.RLock()
	defer c.st.mu.RUnlock()
	t := c.token
	out := PersonalAccessToken{
		ID: t.ID, Name: t.Name, UserID: t.UserID, Scopes: append([]string(nil), t.Scopes...),
		CreatedAt: t.CreatedAt, ExpiresAt: clonePtr(t.ExpiresAt), Revoked: t.Revoked,
	}
	out.Active = !t.Revoked && !t.expired(c.st.now())
	return out
}
