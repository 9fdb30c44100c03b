package mockcoordinator

import (
	"net/http"
)

// ---- application settings ----

// renderSettings renders the settings; allow_runner_registration_token
// exists from 16.11.
func renderSettings(s Settings, v Version) map[string]any {
	m := map[string]any{
		"id":                                       1,
		"valid_runner_registrars":                  append([]string{}, s.ValidRunnerRegistrars...),
		"runner_token_expiration_interval":         s.RunnerTokenExpirationInterval,
		"group_runner_token_expiration_interval":   s.GroupRunnerTokenExpirationInterval,
		"project_runner_token_expiration_interval": s.ProjectRunnerTokenExpirationInterval,
		"signup_enabled":                           false,
		"shared_runners_enabled":                   true,
	}
	if v.HasRegistrationSwitch() {
		m["allow_runner_registration_token"] = s.AllowRunnerRegistrationToken
	}
	return m
}

// getSettings is GET /application/settings (administrators only).
func (c *reqCtx) getSettings() {
	if !c.authenticate(ScopeAPI, ScopeReadAPI) {
		return
	}
	s, err := c.caller.Settings()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, renderSettings(s, c.st.Version()))
}

// putSettings is PUT /application/settings (administrators only); answers
// the whole settings object.
func (c *reqCtx) putSettings() {
	if !c.authenticate(ScopeAPI) {
		return
	}
	if !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	var ch SettingsChanges
	if b := v.boolean("allow_runner_registration_token"); b != nil {
		ch.AllowRunnerRegistrationToken = Optional[bool]{Set: true, Value: *b}
	}
	if l, ok := v.list("valid_runner_registrars"); ok {
		ch.ValidRunnerRegistrars = Optional[[]string]{Set: true, Value: l}
	}
	for _, iv := range []struct {
		key string
		dst *Optional[*int64]
	}{
		{"runner_token_expiration_interval", &ch.RunnerTokenExpirationInterval},
		{"group_runner_token_expiration_interval", &ch.GroupRunnerTokenExpirationInterval},
		{"project_runner_token_expiration_interval", &ch.ProjectRunnerTokenExpirationInterval},
	} {
		if c.p.has(iv.key) {
			n, _ := v.integer(iv.key) // null clears the interval
			*iv.dst = Optional[*int64]{Set: true, Value: n}
		}
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	s, err := c.caller.UpdateSettings(ch)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, renderSettings(s, c.st.Version()))
}

// ---- groups and projects ----

// getGroup is GET /groups/:id. runners_token is present for Owners and
// administrators only, and null when registration tokens are disallowed.
func (c *reqCtx) getGroup() {
	if !c.authenticate(ScopeAPI, ScopeReadAPI) {
		return
	}
	g, err := c.caller.Group(c.pathID)
	if err != nil {
		c.fail(err)
		return
	}
	m := map[string]any{
		"id": g.ID, "name": g.Name, "path": g.Path,
		"full_path": g.FullPath, "full_name": g.FullName,
		"parent_id": nil, "visibility": "private",
		"web_url":    c.baseURL() + "/groups/" + g.FullPath,
		"created_at": formatTime(g.CreatedAt),
	}
	if g.ParentID != 0 {
		m["parent_id"] = g.ParentID
	}
	if g.ShowRunnersToken {
		m["runners_token"] = g.RunnersToken
	}
	c.json(http.StatusOK, m)
}

// getProject is GET /projects/:id. runners_token is present for Maintainers+
// and administrators, and null when registration tokens are disallowed.
func (c *reqCtx) getProject() {
	if !c.authenticate(ScopeAPI, ScopeReadAPI) {
		return
	}
	p, err := c.caller.Project(c.pathID)
	if err != nil {
		c.fail(err)
		return
	}
	base := c.baseURL()
	ns := map[string]any{"kind": "group", "parent_id": nil}
	if g := p.Namespace; g != nil {
		ns["id"], ns["name"], ns["path"] = g.ID, g.Name, g.Path
		ns["full_path"] = g.FullPath
		ns["web_url"] = base + "/groups/" + g.FullPath
		if g.ParentID != 0 {
			ns["parent_id"] = g.ParentID
		}
	}
	m := map[string]any{
		"id": p.ID, "name": p.Name, "path": p.Path,
		"path_with_namespace": p.FullPath, "name_with_namespace": p.FullName,
		"namespace": ns, "visibility": "private",
		"web_url":    base + "/" + p.FullPath,
		"created_at": formatTime(p.CreatedAt),
	}
	if p.ShowRunnersToken {
		m["runners_token"] = p.RunnersToken
	}
	c.json(http.StatusOK, m)
}

// ---- metadata ----

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
	if !c.authenticate(ScopeAPI, ScopeReadAPI, "read_user") {
		return
	}
	v := c.st.Version()
	c.json(http.StatusOK, versionJSON{Version: v.Raw, Revision: v.Revision(), Enterprise: v.Enterprise})
}

// getCurrentUser is GET /user.
func (c *reqCtx) getCurrentUser() {
	if !c.authenticate(ScopeAPI, ScopeReadAPI, "read_user") {
		return
	}
	u := c.caller.User()
	c.json(http.StatusOK, map[string]any{
		"id": u.ID, "username": u.Username, "name": u.Username, "state": "active", "is_admin": u.Admin,
		"web_url": c.baseURL() + "/" + u.Username,
	})
}
