package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Scopes accepted by the /runners/:id endpoints.
var (
	scopesRunnerRead  = []string{store.ScopeAPI, store.ScopeReadAPI, store.ScopeManageRunner}
	scopesRunnerWrite = []string{store.ScopeAPI, store.ScopeManageRunner}
)

// authRunnerID authenticates with one of scopes and parses the :id segment;
// on failure the error (401, 403, Grape's 400) has been answered.
func (c *reqCtx) authRunnerID(scopes []string) (int64, bool) {
	if !c.authenticate(scopes...) {
		return 0, false
	}
	id, err := strconv.ParseInt(c.pathID, 10, 64)
	if err != nil || id <= 0 {
		c.grapeError([]string{"id is invalid"})
		return 0, false
	}
	return id, true
}

// getRunner is GET /runners/:id.
func (c *reqCtx) getRunner() {
	id, ok := c.authRunnerID(scopesRunnerRead)
	if !ok {
		return
	}
	d, err := c.caller.Runner(id)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, renderRunnerDetails(&d, c.now, c.baseURL(), c.st.Version()))
}

// updateRunner is PUT /runners/:id.
func (c *reqCtx) updateRunner() {
	id, ok := c.authRunnerID(scopesRunnerWrite)
	if !ok || !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	changes := parseRunnerChanges(v, updateEndpoint)
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
	checkExclusiveRunnerAttributes(v, updateEndpoint, c.st.Version())
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	d, err := c.caller.UpdateRunner(id, changes)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, renderRunnerDetails(&d, c.now, c.baseURL(), c.st.Version()))
}

// deleteRunner is DELETE /runners/:id.
func (c *reqCtx) deleteRunner() {
	id, ok := c.authRunnerID(scopesRunnerWrite)
	if !ok {
		return
	}
	if err := c.caller.DeleteRunner(id); err != nil {
		c.fail(err)
		return
	}
	c.noContent()
}

// resetRunnerToken is POST /runners/:id/reset_authentication_token (by a
// user; works even when the current token has expired).
func (c *reqCtx) resetRunnerToken() {
	id, ok := c.authRunnerID(scopesRunnerWrite)
	if !ok {
		return
	}
	tok, err := c.caller.ResetRunnerToken(id)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusCreated, renderResetToken(tok))
}

// listManagers is GET /runners/:id/managers (not paginated).
func (c *reqCtx) listManagers() {
	id, ok := c.authRunnerID(scopesRunnerRead)
	if !ok {
		return
	}
	ms, err := c.caller.RunnerManagers(id)
	if err != nil {
		c.fail(err)
		return
	}
	out := make([]managerJSON, 0, len(ms))
	for i := range ms {
		out = append(out, renderManager(&ms[i], c.now))
	}
	c.json(http.StatusOK, out)
}
