package mockcoordinator

import (
	"net/http"
	"net/url"
	"strconv"
)

// ---- application settings ----

// settingsJSON renders the settings; allow_runner_registration_token exists from 16.11.
func (st *Store) settingsJSON() map[string]any {
	s := st.settings
	m := map[string]any{
		"id":                                       1,
		"valid_runner_registrars":                  append([]string{}, s.ValidRunnerRegistrars...),
		"runner_token_expiration_interval":         s.RunnerTokenExpirationInterval,
		"group_runner_token_expiration_interval":   s.GroupRunnerTokenExpirationInterval,
		"project_runner_token_expiration_interval": s.ProjectRunnerTokenExpirationInterval,
		"signup_enabled":                           false,
		"shared_runners_enabled":                   true,
	}
	if st.version.HasRegistrationSwitch() {
		m["allow_runner_registration_token"] = s.AllowRunnerRegistrationToken
	}
	return m
}

// getSettings is GET /application/settings (administrators only).
func (c *reqCtx) getSettings() {
	if !c.authenticate(ScopeAPI, ScopeReadAPI) {
		return
	}
	if !c.user.Admin {
		c.forbidden("")
		return
	}
	c.st.mu.RLock()
	defer c.st.mu.RUnlock()
	c.json(http.StatusOK, c.st.settingsJSON())
}

const minTokenExpirationInterval = 7200

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
	allow := v.boolean("allow_runner_registration_token")
	registrars, registrarsGiven := v.list("valid_runner_registrars")
	type interval struct {
		key   string
		val   *int64
		given bool
	}
	intervals := []*interval{{key: "runner_token_expiration_interval"}, {key: "group_runner_token_expiration_interval"}, {key: "project_runner_token_expiration_interval"}}
	for _, iv := range intervals {
		if c.p.has(iv.key) {
			iv.val, _ = v.integer(iv.key)
			iv.given = true
		}
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	if !c.user.Admin {
		c.forbidden("")
		return
	}
	var errs []FieldError
	for _, r := range registrars {
		if r != "group" && r != "project" {
			errs = append(errs, FieldError{Attribute: "valid_runner_registrars", Message: "is invalid"})
			break
		}
	}
	for _, iv := range intervals {
		if iv.given && iv.val != nil && *iv.val < minTokenExpirationInterval {
			errs = append(errs, FieldError{Attribute: iv.key, Message: "must be greater than or equal to " + strconv.Itoa(minTokenExpirationInterval)})
		}
	}
	if len(errs) > 0 {
		c.modelError(errs)
		return
	}
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if allow != nil && st.version.HasRegistrationSwitch() {
		st.settings.AllowRunnerRegistrationToken = *allow
		st.instanceSwitchSet = true
	}
	if registrarsGiven {
		st.settings.ValidRunnerRegistrars = registrars
	}
	targets := []**int64{&st.settings.RunnerTokenExpirationInterval, &st.settings.GroupRunnerTokenExpirationInterval, &st.settings.ProjectRunnerTokenExpirationInterval}
	for i, iv := range intervals {
		if iv.given {
			*targets[i] = clonePtr(iv.val)
		}
	}
	c.json(http.StatusOK, st.settingsJSON())
}

// ---- groups and projects ----

// findGroupLocked resolves a :id segment: numeric id or URL-encoded full path.
func (st *Store) findGroupLocked(raw string) *groupRecord {
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return st.groups[id]
	}
	path, err := url.PathUnescape(raw)
	if err != nil {
		return nil
	}
	for _, g := range st.groups {
		if st.groupFullPath(g) == path {
			return g
		}
	}
	return nil
}

func (st *Store) findProjectLocked(raw string) *projectRecord {
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return st.projects[id]
	}
	path, err := url.PathUnescape(raw)
	if err != nil {
		return nil
	}
	for _, p := range st.projects {
		if st.projectFullPath(p) == path {
			return p
		}
	}
	return nil
}

// getGroup is GET /groups/:id. runners_token is present for Owners and
// administrators only, and null when registration tokens are disallowed.
func (c *reqCtx) getGroup() {
	if !c.authenticate(ScopeAPI, ScopeReadAPI) {
		return
	}
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	g := st.findGroupLocked(c.pathID)
	role := Role(0)
	if g != nil {
		role = st.groupRole(c.user.ID, g.ID)
	}
	if g == nil || (!c.user.Admin && role == 0) {
		c.notFound("Group")
		return
	}
	base := c.baseURL()
	m := map[string]any{
		"id": g.ID, "name": g.Name, "path": g.Path,
		"full_path": st.groupFullPath(g), "full_name": st.groupFullName(g),
		"parent_id": nil, "visibility": "private",
		"web_url":    base + "/groups/" + st.groupFullPath(g),
		"created_at": formatTime(g.CreatedAt),
	}
	if g.ParentID != 0 {
		m["parent_id"] = g.ParentID
	}
	if c.user.Admin || role >= Owner {
		m["runners_token"] = nil
		if st.registrationAllowedForGroup(g.ID) {
			m["runners_token"] = g.RegistrationToken
		}
	}
	c.json(http.StatusOK, m)
}

// getProject is GET /projects/:id. runners_token is present for Maintainers+
// and administrators, and null when registration tokens are disallowed.
func (c *reqCtx) getProject() {
	if !c.authenticate(ScopeAPI, ScopeReadAPI) {
		return
	}
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	p := st.findProjectLocked(c.pathID)
	role := Role(0)
	if p != nil {
		role = st.projectRole(c.user.ID, p.ID)
	}
	if p == nil || (!c.user.Admin && role == 0) {
		c.notFound("Project")
		return
	}
	base := c.baseURL()
	ns := map[string]any{"kind": "group", "parent_id": nil}
	if g := st.groups[p.GroupID]; g != nil {
		ns["id"], ns["name"], ns["path"] = g.ID, g.Name, g.Path
		ns["full_path"] = st.groupFullPath(g)
		ns["web_url"] = base + "/groups/" + st.groupFullPath(g)
		if g.ParentID != 0 {
			ns["parent_id"] = g.ParentID
		}
	}
	m := map[string]any{
		"id": p.ID, "name": p.Name, "path": p.Path,
		"path_with_namespace": st.projectFullPath(p), "name_with_namespace": st.projectFullName(p),
		"namespace": ns, "visibility": "private",
		"web_url":    base + "/" + st.projectFullPath(p),
		"created_at": formatTime(p.CreatedAt),
	}
	if c.user.Admin || role >= Maintainer {
		m["runners_token"] = nil
		if st.registrationAllowedForGroup(p.GroupID) {
			m["runners_token"] = p.RegistrationToken
		}
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
	u := c.user
	c.json(http.StatusOK, map[string]any{
		"id": u.ID, "username": u.Username, "name": u.Username, "state": "active", "is_admin": u.Admin,
		"web_url": c.baseURL() + "/" + u.Username,
	})
}
