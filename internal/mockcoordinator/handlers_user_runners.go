package mockcoordinator

import "net/http"

// createUserRunner is POST /user/runners: a user creates a runner and gets
// its glrt- token, shown this once.
func (c *reqCtx) createUserRunner() {
	st := c.st
	if !st.Version().HasUserRunners() {
		c.routeNotFound() // the endpoint does not exist before 15.11
		return
	}
	if !c.authenticate(ScopeAPI, ScopeCreateRunner) || !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	runnerType, typeGiven := v.str("runner_type")
	switch {
	case !typeGiven:
		v.fail("runner_type is missing")
		v.fail("runner_type does not have a valid value")
	case !containsString([]string{RunnerTypeInstance, RunnerTypeGroup, RunnerTypeProject}, runnerType):
		v.fail("runner_type does not have a valid value")
	}
	groupID, groupNull := v.integer("group_id")
	if runnerType == RunnerTypeGroup && groupID == nil && (groupNull || !c.p.has("group_id")) {
		v.fail("group_id is missing")
	}
	projectID, projectNull := v.integer("project_id")
	if runnerType == RunnerTypeProject && projectID == nil && (projectNull || !c.p.has("project_id")) {
		v.fail("project_id is missing")
	}
	changes := parseRunnerChanges(v)
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}

	st.mu.Lock()
	defer st.mu.Unlock()
	u := c.user
	r := newRunnerDefaults(runnerType)
	switch runnerType {
	case RunnerTypeInstance:
		if groupID != nil || projectID != nil {
			c.badRequest("Unexpected scope")
			return
		}
		if !u.Admin {
			c.forbidden("Insufficient permissions")
			return
		}
	case RunnerTypeGroup:
		g := st.groups[*groupID]
		if g == nil {
			c.badRequest("Missing/invalid group")
			return
		}
		if !u.Admin && (!containsString(st.settings.ValidRunnerRegistrars, "group") || st.groupRole(u.ID, g.ID) < Owner) {
			c.forbidden("Insufficient permissions")
			return
		}
		r.GroupID = g.ID
	case RunnerTypeProject:
		p := st.projects[*projectID]
		if p == nil {
			c.badRequest("Missing/invalid project")
			return
		}
		if !u.Admin && (!containsString(st.settings.ValidRunnerRegistrars, "project") || st.projectRole(u.ID, p.ID) < Maintainer) {
			c.forbidden("Insufficient permissions")
			return
		}
		r.ProjectIDs = []int64{p.ID}
	}
	changes.apply(&r.RunnerAttributes)
	if errs := r.validate(); errs != nil {
		// user_runners.rb answers service errors with bad_request!(errors.to_sentence),
		// unlike PUT /runners/:id and POST /runners (render_validation_error!).
		c.badRequest(fullMessages(errs))
		return
	}
	r.CreatorID = u.ID
	r.CreatedAt = c.now
	r.Token = authenticationToken(st.version, runnerType)
	r.TokenExpiresAt = st.tokenExpiry(runnerType, c.now)
	st.insertRunnerLocked(r)
	c.json(http.StatusCreated, renderToken(r))
}
