package api

import (
	"net/http"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// getGroup is GET /groups/:id. runners_token is present for Owners and
// administrators only, and null when registration tokens are disallowed.
func (c *reqCtx) getGroup() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI) {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Group")
		return
	}
	g, err := c.caller.Group(ref)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, c.renderGroup(g))
}

// putGroup is PUT /groups/:id (Owners): of the runner settings GitLab takes
// only shared_runners_setting; every other parameter is ignored, as Grape
// drops the ones the mock does not keep (name, description, …) and GitLab
// declares no allow_runner_registration_token there.
func (c *reqCtx) putGroup() {
	if !c.authenticate(store.ScopeAPI) || !c.parseParams() {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Group")
		return
	}
	v := &validator{p: c.p}
	var ch store.GroupChanges
	if s, given := v.oneOf("shared_runners_setting", store.SharedRunnersSettings...); given {
		ch.SharedRunnersSetting = store.Optional[string]{Set: true, Value: s}
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	g, err := c.caller.UpdateGroup(ref, ch)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, c.renderGroup(g))
}

// renderGroup is GitLab's GroupDetail entity, reduced to what the mock keeps.
func (c *reqCtx) renderGroup(g store.GroupDetails) map[string]any {
	m := map[string]any{
		"id": g.ID, "name": g.Name, "path": g.Path,
		"full_path": g.FullPath, "full_name": g.FullName,
		"parent_id": nil, "visibility": "private",
		"web_url":                c.baseURL() + "/groups/" + g.FullPath,
		"created_at":             formatTime(g.CreatedAt),
		"shared_runners_setting": g.SharedRunnersSetting,
	}
	if g.ParentID != 0 {
		m["parent_id"] = g.ParentID
	}
	if g.ShowRunnersToken {
		m["runners_token"] = g.RunnersToken
	}
	return m
}

// getProject is GET /projects/:id. runners_token is present for Maintainers+
// and administrators, and null when registration tokens are disallowed.
func (c *reqCtx) getProject() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI) {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Project")
		return
	}
	p, err := c.caller.Project(ref)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, c.renderProject(p))
}

// projectRunnerSettings are the runner settings PUT /projects/:id takes that
// the mock keeps (GitLab's optional_project_params_ce, both Boolean).
var projectRunnerSettings = []string{"shared_runners_enabled", "group_runners_enabled"}

// putProject is PUT /projects/:id (admin_project: Maintainers): of the
// project's settings the mock keeps the two runner settings; the others
// GitLab declares are ignored. With none of its parameters GitLab answers
// Grape's at_least_one_of error, which lists all of its update parameters
// (projects_helpers.rb update_params_at_least_one_of, about 80): the mock
// lists its own.
func (c *reqCtx) putProject() {
	if !c.authenticate(store.ScopeAPI) || !c.parseParams() {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Project")
		return
	}
	v := &validator{p: c.p}
	var ch store.ProjectChanges
	given := false
	for _, f := range []struct {
		name string
		dst  *store.Optional[bool]
	}{{"shared_runners_enabled", &ch.SharedRunnersEnabled}, {"group_runners_enabled", &ch.GroupRunnersEnabled}} {
		given = given || c.p.has(f.name)
		if b := v.boolean(f.name); b != nil {
			*f.dst = store.Optional[bool]{Set: true, Value: *b}
		}
	}
	if !given {
		v.fail(strings.Join(projectRunnerSettings, ", ") + " are missing, at least one parameter must be provided")
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	p, err := c.caller.UpdateProject(ref, ch)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, c.renderProject(p))
}

// renderProject is GitLab's Project entity, reduced to what the mock keeps:
// shared_runners_enabled for every reader; runners_token and
// group_runners_enabled for those who may administer the project
// (lib/api/entities/project.rb, its admin_project block).
func (c *reqCtx) renderProject(p store.ProjectDetails) map[string]any {
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
		"web_url":                base + "/" + p.FullPath,
		"created_at":             formatTime(p.CreatedAt),
		"shared_runners_enabled": p.SharedRunnersEnabled,
	}
	if p.ShowRunnersToken {
		m["runners_token"] = p.RunnersToken
	}
	if p.GroupRunnersEnabled != nil {
		m["group_runners_enabled"] = *p.GroupRunnersEnabled
	}
	return m
}
