package api

import (
	"net/http"
	"strconv"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Assigning a project runner to more projects: POST /projects/:id/runners
// and DELETE /projects/:id/runners/:runner_id.

// assignRunner is POST /projects/:id/runners {runner_id}: 201 with the
// runner as a list item (GitLab's Runner entity).
func (c *reqCtx) assignRunner() {
	if !c.authenticate(store.ScopeAPI) || !c.parseParams() {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Project")
		return
	}
	v := &validator{p: c.p}
	runnerID, isNull := v.integer("runner_id")
	if runnerID == nil && len(v.errs) == 0 && (isNull || !c.p.has("runner_id")) {
		v.fail("runner_id is missing")
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	r, err := c.caller.AssignRunner(ref, *runnerID)
	if err != nil {
		c.fail(err)
		return
	}
	w := &jsonWriter{b: make([]byte, 0, 320)}
	w.beginObject()
	var creator *store.User
	if u, ok := c.caller.RunnerCreators([]store.RunnerRecord{r})[r.ID]; ok {
		creator = &u
	}
	writeRunnerFields(w, &r, creator, c.baseURL(), c.now, c.st.Version())
	w.endObject()
	c.json(http.StatusCreated, jsonDocument(w.b))
}

// unassignRunner is DELETE /projects/:id/runners/:runner_id: 204.
func (c *reqCtx) unassignRunner() {
	if !c.authenticate(store.ScopeAPI) {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Project")
		return
	}
	runnerID, err := strconv.ParseInt(c.params[1], 10, 64)
	if err != nil {
		c.grapeError([]string{"runner_id is invalid"})
		return
	}
	if err := c.caller.UnassignRunner(ref, runnerID); err != nil {
		c.fail(err)
		return
	}
	c.noContent()
}
