package mockcoordinator

import (
	"net/http"
	"strconv"
	"strings"
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

// authRunnerID authenticates with one of scopes and parses :id; on failure
// the error has been answered.
func (c *reqCtx) authRunnerID(scopes []string) (int64, bool) {
	if !c.authenticate(scopes...) {
		return 0, false
	}
	return c.runnerID()
}

// withRunner locks the store (exclusively when write), looks up runner id and
// runs fn with the lock still held. A missing runner answers 404 "Runner";
// when allowed is not nil and says no, 403 "No access granted". A nil allowed
// leaves the permission checks to fn.
func (c *reqCtx) withRunner(id int64, write bool, allowed func(*Store, *userRecord, *RunnerRecord) bool, fn func(st *Store, r *RunnerRecord)) {
	st := c.st
	if write {
		st.mu.Lock()
		defer st.mu.Unlock()
	} else {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	r := st.runners[id]
	if r == nil {
		c.notFound("Runner")
		return
	}
	if allowed != nil && !allowed(st, c.user, r) {
		c.forbidden("No access granted")
		return
	}
	fn(st, r)
}

// getRunner is GET /runners/:id.
func (c *reqCtx) getRunner() {
	id, ok := c.authRunnerID(scopesRunnerRead)
	if !ok {
		return
	}
	c.withRunner(id, false, (*Store).canReadRunner, func(st *Store, r *RunnerRecord) {
		c.json(http.StatusOK, st.renderRunnerDetails(r, c.now, c.baseURL()))
	})
}

// updateRunner is PUT /runners/:id.
func (c *reqCtx) updateRunner() {
	id, ok := c.authRunnerID(scopesRunnerWrite)
	if !ok || !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	changes := parseRunnerChanges(v)
	// Grape's at_least_one_of over every attribute.
	var names []string
	given := false
	for _, attr := range runnerAttributes {
		names = append(names, attr.Name)
		given = given || c.p.has(attr.Name)
	}
	if !given {
		v.fail(strings.Join(names, ", ") + " are missing, at least one parameter must be provided")
	}
	checkExclusiveRunnerAttributes(v)
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	c.withRunner(id, true, (*Store).canManageRunner, func(st *Store, r *RunnerRecord) {
		updated := r.clone()
		changes.apply(&updated.RunnerAttributes)
		if errs := updated.validate(); errs != nil {
			c.modelError(errs)
			return
		}
		*r = updated // same id, type, token and projects: indices stay valid
		c.json(http.StatusOK, st.renderRunnerDetails(r, c.now, c.baseURL()))
	})
}

// deleteRunner is DELETE /runners/:id. Administrators may delete any runner;
// others not one shared by several projects (checked before their rights).
func (c *reqCtx) deleteRunner() {
	id, ok := c.authRunnerID(scopesRunnerWrite)
	if !ok {
		return
	}
	c.withRunner(id, true, nil, func(st *Store, r *RunnerRecord) {
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
	})
}

// resetRunnerToken is POST /runners/:id/reset_authentication_token (by a user;
// works even when the current token has expired).
func (c *reqCtx) resetRunnerToken() {
	id, ok := c.authRunnerID(scopesRunnerWrite)
	if !ok {
		return
	}
	c.withRunner(id, true, (*Store).canManageRunner, func(st *Store, r *RunnerRecord) {
		st.rotateTokenLocked(r, c.now)
		c.json(http.StatusCreated, resetTokenJSON{Token: r.Token, TokenExpiresAt: formatTimePtr(r.TokenExpiresAt)})
	})
}

// listManagers is GET /runners/:id/managers (not paginated).
func (c *reqCtx) listManagers() {
	id, ok := c.authRunnerID(scopesRunnerRead)
	if !ok {
		return
	}
	c.withRunner(id, false, (*Store).canReadRunner, func(_ *Store, r *RunnerRecord) {
		out := make([]managerJSON, 0, len(r.Managers))
		for i := range r.Managers {
			out = append(out, renderManager(&r.Managers[i], c.now))
		}
		c.json(http.StatusOK, out)
	})
}
