package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

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
	req.Changes = parseRunnerChanges(v, createEndpoint)
	if c.st.Version().HasRunnerTokenExpiryOnCreate() {
		req.TokenExpiresAt = parseDateTime(v, "token_expires_at")
		req.TokenRotationDeadline = parseDateTime(v, "token_rotation_deadline")
	}
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

// dateTimeLayouts are what Grape's DateTime coercion reads (ISO 8601).
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02"}

// parseDateTime reads an optional ISO 8601 parameter; anything else fails as
// Grape's coercion does ("<name> is invalid").
func parseDateTime(v *validator, name string) *time.Time {
	s, given := v.str(name)
	if !given || s == "" {
		return nil
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	v.fail(name + " is invalid")
	return nil
}
