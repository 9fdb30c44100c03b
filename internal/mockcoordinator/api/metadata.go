package api

import (
	"net/http"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

type versionJSON struct {
	Version    string  `json:"version"`
	Revision   string  `json:"revision"`
	KAS        kasJSON `json:"kas"`
	Enterprise bool    `json:"enterprise"`
}

type kasJSON struct {
	Enabled     bool    `json:"enabled"`
	ExternalURL *string `json:"externalUrl"`
	Version     *string `json:"version"`
}

// getVersion is GET /version and GET /metadata.
func (c *reqCtx) getVersion() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI, "read_user") {
		return
	}
	v := c.st.Version()
	c.json(http.StatusOK, versionJSON{Version: v.Raw, Revision: v.Revision(), Enterprise: v.Enterprise})
}

// getCurrentUser is GET /user.
func (c *reqCtx) getCurrentUser() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI, "read_user") {
		return
	}
	u := c.caller.User()
	c.json(http.StatusOK, map[string]any{
		"id": u.ID, "username": u.Username, "name": u.Username, "state": "active", "is_admin": u.Admin,
		"web_url": c.baseURL() + "/" + u.Username,
	})
}
