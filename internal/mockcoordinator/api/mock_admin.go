package api

import (
	"net/http"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// mockAdminPrefix is where the mock serves what is not GitLab's API: the
// states GitLab lets only its UI reach, for scripts and guides run against
// the mock. GitLab itself has no /-/mock/ paths.
const mockAdminPrefix = "/-/mock"

// putMockGroupSettings is PUT /-/mock/groups/:id/settings with
// allow_runner_registration_token (true or false): the toggle "Allow members
// of projects and groups to create runners with runner registration tokens"
// of a top-level group's Settings > CI/CD > Runners page (GitLab 16.11+),
// which GitLab keeps out of every API. Authenticated as the API is
// (PRIVATE-TOKEN, api scope); the group's Owners and administrators may flip
// it, as on the page. It answers the group's id, full path and switch.
func (c *reqCtx) putMockGroupSettings() {
	if !c.authenticate(store.ScopeAPI) || !c.parseParams() {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Group")
		return
	}
	v := &validator{p: c.p}
	allowed := v.boolean("allow_runner_registration_token")
	if allowed == nil && len(v.errs) == 0 {
		v.fail("allow_runner_registration_token is missing")
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	g, err := c.caller.SetGroupRegistrationToggle(ref, *allowed)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, map[string]any{
		"id": g.ID, "full_path": g.FullPath, "allow_runner_registration_token": *allowed,
		"registration_tokens_allowed": g.RunnersToken != nil,
	})
}
