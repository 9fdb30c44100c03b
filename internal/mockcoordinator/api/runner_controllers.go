package api

// The runner controller APIs of GitLab Enterprise Edition 18.9+
// (lib/api/ci/runner_controllers.rb, runner_controller_scopes.rb,
// runner_controller_tokens.rb): administrators only, Ultimate licence.
// Each route checks, in GitLab's order: that the emulated version has it
// (else the catch-all 404), the token (401, 403 insufficient_scope), the
// before block (403 for non-administrators, 404 without the licence), the
// parameters (Grape's 400), then the store's answer.

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Scopes a personal access token needs: reading takes read_api too.
var (
	scopesControllerRead  = []string{store.ScopeAPI, store.ScopeReadAPI}
	scopesControllerWrite = []string{store.ScopeAPI}
)

// controllerRoute runs the checks every runner controller route shares and
// returns the integer path parameters, named as GitLab declares them; false
// when it has answered already. runnerScopes marks the routes of 18.10.
func (c *reqCtx) controllerRoute(write, runnerScopes bool, names ...string) ([]int64, bool) {
	v := c.st.Version()
	if !v.HasRunnerControllers() || (runnerScopes && !v.HasRunnerControllerRunnerScopes()) {
		c.routeNotFound()
		return nil, false
	}
	scopes := scopesControllerRead
	if write {
		scopes = scopesControllerWrite
	}
	if !c.authenticate(scopes...) {
		return nil, false
	}
	if err := c.caller.RunnerControllerAccess(); err != nil {
		c.fail(err)
		return nil, false
	}
	if !c.parseParams() {
		return nil, false
	}
	ids := make([]int64, len(names))
	var errs []string
	for i, name := range names {
		n, err := strconv.ParseInt(c.params[i], 10, 64)
		if err != nil {
			errs = append(errs, name+" is invalid")
		}
		ids[i] = n
	}
	if errs != nil {
		c.grapeError(errs)
		return nil, false
	}
	return ids, true
}

// ---- rendering (Entities::Ci::RunnerController…) ----

type controllerJSON struct {
	ID          int64   `json:"id"`
	Description *string `json:"description"`
	State       string  `json:"state"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	Connected   *bool   `json:"connected,omitempty"` // RunnerControllerDetail only
}

func renderController(v store.RunnerController, detail bool) controllerJSON {
	out := controllerJSON{ID: v.ID, Description: v.Description, State: v.State,
		CreatedAt: formatTime(v.CreatedAt), UpdatedAt: formatTime(v.UpdatedAt)}
	if detail {
		connected := v.Connected
		out.Connected = &connected
	}
	return out
}

type controllerTokenJSON struct {
	ID                 int64   `json:"id"`
	RunnerControllerID int64   `json:"runner_controller_id"`
	Description        *string `json:"description"`
	LastUsedAt         *string `json:"last_used_at"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
	Token              string  `json:"token,omitempty"` // RunnerControllerTokenWithToken only
}

func renderControllerToken(t store.RunnerControllerToken) controllerTokenJSON {
	return controllerTokenJSON{ID: t.ID, RunnerControllerID: t.RunnerControllerID, Description: t.Description,
		LastUsedAt: formatTimePtr(t.LastUsedAt), CreatedAt: formatTime(t.CreatedAt), UpdatedAt: formatTime(t.UpdatedAt), Token: t.Token}
}

type scopingJSON struct {
	RunnerID  *int64 `json:"runner_id,omitempty"` // runner-level scopings only
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func renderScoping(s store.RunnerControllerScoping, runnerLevel bool) scopingJSON {
	out := scopingJSON{CreatedAt: formatTime(s.CreatedAt), UpdatedAt: formatTime(s.UpdatedAt)}
	if runnerLevel {
		id := s.RunnerID
		out.RunnerID = &id
	}
	return out
}

// ---- controllers ----

// listRunnerControllers is GET /runner_controllers (paginated, by id).
func (c *reqCtx) listRunnerControllers() {
	if _, ok := c.controllerRoute(false, false); !ok {
		return
	}
	replyPage(c, c.caller.RunnerControllers, func(ctl store.RunnerController) controllerJSON { return renderController(ctl, false) })
}

// replyPage answers a GET of a list with offset pagination (controllers,
// tokens): the page the parameters ask for, each item rendered, with
// GitLab's pagination headers.
func replyPage[T, J any](c *reqCtx, list func() ([]T, error), render func(T) J) {
	v := &validator{p: c.p}
	page, perPage := pageParams(v)
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	all, err := list()
	if err != nil {
		c.fail(err)
		return
	}
	items := pageOf(all, page, perPage)
	out := make([]J, len(items))
	for i, item := range items {
		out[i] = render(item)
	}
	c.setPageHeaders(len(all), page, perPage, true)
	c.json(http.StatusOK, out)
}

// pageOf is page of list (offset pagination, pages from 1).
func pageOf[T any](list []T, page, perPage int) []T {
	from := (page - 1) * perPage
	if from >= len(list) {
		return []T{}
	}
	return list[from:min(from+perPage, len(list))]
}

// getRunnerController is GET /runner_controllers/:id.
func (c *reqCtx) getRunnerController() {
	ids, ok := c.controllerRoute(false, false, "id")
	if !ok {
		return
	}
	ctl, err := c.caller.RunnerController(ids[0])
	c.reply(http.StatusOK, renderController(ctl, true), err)
}

// controllerChanges reads description and state; POST's state defaults to
// disabled in the store. false when it has answered Grape's 400 already.
func (c *reqCtx) controllerChanges() (store.RunnerControllerChanges, bool) {
	v := &validator{p: c.p}
	var ch store.RunnerControllerChanges
	if raw, given := c.p.m["description"]; given {
		if raw == nil {
			ch.Description = store.Optional[*string]{Set: true}
		} else if s, ok := v.str("description"); ok {
			ch.Description = store.Optional[*string]{Set: true, Value: &s}
		}
	}
	if c.p.m["state"] != nil {
		if s, ok := v.oneOf("state", store.RunnerControllerStates...); ok {
			ch.State = store.Optional[string]{Set: true, Value: s}
		}
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return ch, false
	}
	return ch, true
}

// createRunnerController is POST /runner_controllers.
func (c *reqCtx) createRunnerController() {
	if _, ok := c.controllerRoute(true, false); !ok {
		return
	}
	ch, ok := c.controllerChanges()
	if !ok {
		return
	}
	ctl, err := c.caller.CreateRunnerController(ch)
	c.reply(http.StatusCreated, renderController(ctl, false), err)
}

// updateRunnerController is PUT /runner_controllers/:id (nothing is required).
func (c *reqCtx) updateRunnerController() {
	ids, ok := c.controllerRoute(true, false, "id")
	if !ok {
		return
	}
	ch, ok := c.controllerChanges()
	if !ok {
		return
	}
	ctl, err := c.caller.UpdateRunnerController(ids[0], ch)
	c.reply(http.StatusOK, renderController(ctl, false), err)
}

// deleteRunnerController is DELETE /runner_controllers/:id, with
// destroy_conditionally!'s If-Unmodified-Since (an unreadable date is ignored).
func (c *reqCtx) deleteRunnerController() {
	ids, ok := c.controllerRoute(true, false, "id")
	if !ok {
		return
	}
	var since *time.Time
	if t, err := http.ParseTime(c.r.Header.Get("If-Unmodified-Since")); err == nil {
		since = &t
	}
	c.replyNoContent(c.caller.DeleteRunnerController(ids[0], since))
}

// ---- scopes ----

// listRunnerControllerScopes is GET /runner_controllers/:id/scopes (not
// paginated); runner_level_scopings exist from 18.10.
func (c *reqCtx) listRunnerControllerScopes() {
	ids, ok := c.controllerRoute(false, false, "id")
	if !ok {
		return
	}
	s, err := c.caller.RunnerControllerScopes(ids[0])
	if err != nil {
		c.fail(err)
		return
	}
	out := map[string][]scopingJSON{"instance_level_scopings": {}}
	for _, i := range s.Instance {
		out["instance_level_scopings"] = append(out["instance_level_scopings"], renderScoping(i, false))
	}
	if c.st.Version().HasRunnerControllerRunnerScopes() {
		out["runner_level_scopings"] = []scopingJSON{}
		for _, r := range s.Runners {
			out["runner_level_scopings"] = append(out["runner_level_scopings"], renderScoping(r, true))
		}
	}
	c.json(http.StatusOK, out)
}

// addInstanceScope is POST /runner_controllers/:id/scopes/instance.
func (c *reqCtx) addInstanceScope() {
	ids, ok := c.controllerRoute(true, false, "id")
	if !ok {
		return
	}
	s, err := c.caller.AddRunnerControllerInstanceScope(ids[0])
	c.reply(http.StatusCreated, renderScoping(s, false), err)
}

// removeInstanceScope is DELETE /runner_controllers/:id/scopes/instance.
func (c *reqCtx) removeInstanceScope() {
	ids, ok := c.controllerRoute(true, false, "id")
	if !ok {
		return
	}
	c.replyNoContent(c.caller.RemoveRunnerControllerInstanceScope(ids[0]))
}

// addRunnerScope is POST /runner_controllers/:id/scopes/runners/:runner_id (18.10).
func (c *reqCtx) addRunnerScope() {
	ids, ok := c.controllerRoute(true, true, "id", "runner_id")
	if !ok {
		return
	}
	s, err := c.caller.AddRunnerControllerRunnerScope(ids[0], ids[1])
	c.reply(http.StatusCreated, renderScoping(s, true), err)
}

// removeRunnerScope is DELETE /runner_controllers/:id/scopes/runners/:runner_id (18.10).
func (c *reqCtx) removeRunnerScope() {
	ids, ok := c.controllerRoute(true, true, "id", "runner_id")
	if !ok {
		return
	}
	c.replyNoContent(c.caller.RemoveRunnerControllerRunnerScope(ids[0], ids[1]))
}

// ---- tokens ----

// listControllerTokens is GET /runner_controllers/:runner_controller_id/tokens
// (active tokens, paginated).
func (c *reqCtx) listControllerTokens() {
	ids, ok := c.controllerRoute(false, false, "runner_controller_id")
	if !ok {
		return
	}
	replyPage(c, func() ([]store.RunnerControllerToken, error) { return c.caller.RunnerControllerTokens(ids[0]) },
		renderControllerToken)
}

// getControllerToken is GET /runner_controllers/:runner_controller_id/tokens/:id.
func (c *reqCtx) getControllerToken() {
	ids, ok := c.controllerRoute(false, false, "runner_controller_id", "id")
	if !ok {
		return
	}
	t, err := c.caller.RunnerControllerToken(ids[0], ids[1])
	c.reply(http.StatusOK, renderControllerToken(t), err)
}

// createControllerToken is POST /runner_controllers/:runner_controller_id/tokens.
func (c *reqCtx) createControllerToken() {
	ids, ok := c.controllerRoute(true, false, "runner_controller_id")
	if !ok {
		return
	}
	v := &validator{p: c.p}
	var description *string
	if c.p.m["description"] != nil {
		if s, ok := v.str("description"); ok {
			description = &s
		}
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	t, err := c.caller.CreateRunnerControllerToken(ids[0], description)
	c.reply(http.StatusCreated, renderControllerToken(t), err)
}

// revokeControllerToken is DELETE /runner_controllers/:runner_controller_id/tokens/:id.
func (c *reqCtx) revokeControllerToken() {
	ids, ok := c.controllerRoute(true, false, "runner_controller_id", "id")
	if !ok {
		return
	}
	c.replyNoContent(c.caller.RevokeRunnerControllerToken(ids[0], ids[1]))
}

// rotateControllerToken is POST
// /runner_controllers/:runner_controller_id/tokens/:id/rotate: 200 (not
// 201) with the successor, a new id.
func (c *reqCtx) rotateControllerToken() {
	ids, ok := c.controllerRoute(true, false, "runner_controller_id", "id")
	if !ok {
		return
	}
	t, err := c.caller.RotateRunnerControllerToken(ids[0], ids[1])
	c.reply(http.StatusOK, renderControllerToken(t), err)
}
