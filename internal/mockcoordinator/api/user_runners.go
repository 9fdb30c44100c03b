package api

import (
	"errors"
	"net/http"
	"slices"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// createUserRunner is POST /user/runners: a user creates a runner and gets
// its glrt- token, shown this once.
func (c *reqCtx) createUserRunner() {
	if !c.st.Version().HasUserRunners() {
		c.routeNotFound() // the endpoint does not exist before 15.11
		return
	}
	if !c.authenticate(store.ScopeAPI, store.ScopeCreateRunner) || !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	req := store.RunnerCreation{}
	runnerType, typeGiven := v.str("runner_type")
	switch {
	case !typeGiven:
		v.fail("runner_type is missing")
		v.fail("runner_type does not have a valid value")
	case !slices.Contains([]string{store.RunnerTypeInstance, store.RunnerTypeGroup, store.RunnerTypeProject}, runnerType):
		v.fail("runner_type does not have a valid value")
	}
	req.RunnerType = runnerType
	groupID, groupNull := v.integer("group_id")
	if runnerType == store.RunnerTypeGroup && groupID == nil && (groupNull || !c.p.has("group_id")) {
		v.fail("group_id is missing")
	}
	projectID, projectNull := v.integer("project_id")
	if runnerType == store.RunnerTypeProject && projectID == nil && (projectNull || !c.p.has("project_id")) {
		v.fail("project_id is missing")
	}
	req.GroupID, req.ProjectID = groupID, projectID
	req.Changes = parseRunnerChanges(v)
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	tok, err := c.caller.CreateRunner(req)
	var e *store.Error
	if errors.As(err, &e) && e.Reason == store.Invalid {
		// user_runners.rb answers service errors with bad_request!(errors.to_sentence),
		// unlike PUT /runners/:id and POST /runners (render_validation_error!).
		c.badRequest(fullMessages(e.Fields))
		return
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusCreated, renderToken(tok))
}
