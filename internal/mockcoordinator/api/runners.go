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
		out = append(out, renderManager(&ms[i], c.now, c.st.Version()))
	}
	c.json(http.StatusOK, out)
}

// jobStatuses are the values of GET /runners/:id/jobs's status parameter
// (Ci::HasStatus::AVAILABLE_STATUSES).
var jobStatuses = []string{"created", "waiting_for_resource", "preparing", "waiting_for_callback", "pending", "running",
	"success", "failed", "canceling", "canceled", "skipped", "manual", "scheduled"}

// listRunnerJobs is GET /runners/:id/jobs, "List jobs processed by a runner"
// (lib/api/ci/runners.rb): GitLab's parameters (status, order_by, sort,
// system_id, cursor, page, per_page), then the runner (404 "Runner Not Found")
// and the caller's right to read its jobs (403 "No access granted"), then one
// page of the jobs. The mock's runners have processed none (POST /jobs/request
// never hands out a job), so the page is empty; with system_id GitLab's
// paginator skips the count, and so the total headers.
func (c *reqCtx) listRunnerJobs() {
	id, ok := c.authRunnerID(scopesRunnerRead)
	if !ok || !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	systemID, _ := v.str("system_id")
	v.oneOf("status", jobStatuses...)
	v.oneOf("order_by", "id")
	v.oneOf("sort", "asc", "desc")
	v.str("cursor")
	page, perPage := pageParams(v)
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	if err := c.caller.CheckRunnerJobsAccess(id); err != nil {
		c.fail(err)
		return
	}
	c.setPageHeaders(0, page, perPage, systemID == "")
	c.json(http.StatusOK, jsonDocument("[]"))
}
