package api

import (
	"net/http"

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
	m := map[string]any{
		"id": g.ID, "name": g.Name, "path": g.Path,
		"full_path": g.FullPath, "full_name": g.FullName,
		"parent_id": nil, "visibility": "private",
		"web_url":    c.baseURL() + "/groups/" + g.FullPath,
		"created_at": formatTime(g.CreatedAt),
	}
	if g.ParentID != 0 {
		m["parent_id"] = g.ParentID
	}
	if g.ShowRunnersToken {
		m["runners_token"] = g.RunnersToken
	}
	c.json(http.StatusOK, m)
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
		"web_url":    base + "/" + p.FullPath,
		"created_at": formatTime(p.CreatedAt),
	}
	if p.ShowRunnersToken {
		m["runners_token"] = p.RunnersToken
	}
	c.json(http.StatusOK, m)
}
