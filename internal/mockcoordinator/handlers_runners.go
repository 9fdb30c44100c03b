package mockcoordinator

import (
	"net/http"
	"strconv"
)

// Scopes accepted by the /runners/:id endpoints.
var (
	scopesRunnerRead  = []string{ScopeAPI, ScopeReadAPI, ScopeManageRunner}
	scopesRunnerWrite = []string{ScopeAPI, ScopeManageRunner}
)

// runnerID parses the :id segment; on failure it answers Grape's 400.
func (c *reqCtx) runnerID() (int64, bool) {
	id, err := strconv.ParseInt(c.pathID, 10, 64)
	if err != nil || id <= 0 {
		c.grapeError([]string{"id is invalid"})
		return 0, false
	}
	return id, true
}

// canReadRunner: anyone authenticated reads instance runners; group runners
// need a Maintainer of the group ("at least the Maintainer role is required to
// get runner details at the project and group level"); project runners a
// Maintainer of one of their projects. Changing a group runner needs Owner.
func (st *Store) canReadRunner(u *userRecord, r *RunnerRecord) bool {
	if r.RunnerType == RunnerTypeInstance || st.canManageRunner(u, r) {
		return true
	}
	return r.RunnerType == RunnerTypeGroup && st.groupRole(u.ID, r.GroupID) >= Maintainer
}

// getRunner is GET /runners/:id.
func (c *reqCtx) getRunner() {
	if !c.authenticate(scopesRunnerRead...) {
		return
	}
	id, ok := c.runnerID()
	if !ok {
		return
	}
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	r := st.runners[id]
	if r == nil {
		c.notFound("Runner")
		return
	}
	if !st.canReadRunner(c.user, r) {
		c.forbidden("No access granted")
		return
	}
	c.json(http.StatusOK, st.renderRunnerDetails(r, c.now, c.baseURL()))
}

var updateParamNames = "description, active, paused, tag_list, run_untagged, locked, access_level, maximum_timeout, maintenance_note"

// updateRunner is PUT /runners/:id.
func (c *reqCtx) updateRunner() {
	if !c.authenticate(scopesRunnerWrite...) {
		return
	}
	id, ok := c.runnerID()
	if !ok || !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	attrs := parseRunnerAttrs(v)
	given := false
	for _, k := range []string{"description", "active", "paused", "tag_list", "run_untagged", "locked", "access_level", "maximum_timeout", "maintenance_note"} {
		given = given || c.p.has(k)
	}
	if !given {
		v.fail(updateParamNames + " are missing, at least one parameter must be provided")
	}
	if c.p.has("active") && c.p.has("paused") {
		v.fail("active, paused are mutually exclusive")
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.runners[id]
	if r == nil {
		c.notFound("Runner")
		return
	}
	if !st.canManageRunner(c.user, r) {
		c.forbidden("No access granted")
		return
	}
	updated := r.clone()
	attrs.apply(&updated)
	if errs := validateRunnerModel(&updated); errs != nil {
		c.modelError(errs)
		return
	}
	*r = updated // same id, type, token and projects: indices stay valid
	c.json(http.StatusOK, st.renderRunnerDetails(r, c.now, c.baseURL()))
}

// deleteRunner is DELETE /runners/:id.
func (c *reqCtx) deleteRunner() {
	if !c.authenticate(scopesRunnerWrite...) {
		return
	}
	id, ok := c.runnerID()
	if !ok {
		return
	}
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.runners[id]
	if r == nil {
		c.notFound("Runner")
		return
	}
	if !c.user.Admin {
		if len(r.ProjectIDs) > 1 {
			c.forbidden("Runner associated with more than one project")
			return
		}
		if !st.canManageRunner(c.user, r) {
			c.forbidden("No access granted")
			return
		}
	}
	st.deleteRunnerLocked(id)
	c.noContent()
}

// resetRunnerToken is POST /runners/:id/reset_authentication_token (by a user;
// works even when the current token has expired).
func (c *reqCtx) resetRunnerToken() {
	if !c.authenticate(scopesRunnerWrite...) {
		return
	}
	id, ok := c.runnerID()
	if !ok {
		return
	}
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.runners[id]
	if r == nil {
		c.notFound("Runner")
		return
	}
	if !st.canManageRunner(c.user, r) {
		c.forbidden("No access granted")
		return
	}
	st.rotateTokenLocked(r, c.now)
	c.json(http.StatusCreated, resetTokenJSON{Token: r.Token, TokenExpiresAt: formatTimePtr(r.TokenExpiresAt)})
}

// listManagers is GET /runners/:id/managers (not paginated).
func (c *reqCtx) listManagers() {
	if !c.authenticate(scopesRunnerRead...) {
		return
	}
	id, ok := c.runnerID()
	if !ok {
		return
	}
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	r := st.runners[id]
	if r == nil {
		c.notFound("Runner")
		return
	}
	if !st.canReadRunner(c.user, r) {
		c.forbidden("No access granted")
		return
	}
	out := make([]managerJSON, 0, len(r.Managers))
	for i := range r.Managers {
		out = append(out, renderManager(&r.Managers[i], c.now))
	}
	c.json(http.StatusOK, out)
}
