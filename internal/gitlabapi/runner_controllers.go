package gitlabapi

// Runner controllers (GitLab Enterprise Edition 18.9+, Ultimate,
// administrators only): lib/api/ci/runner_controllers.rb,
// runner_controller_scopes.rb and runner_controller_tokens.rb. Every call
// answers 403 to non-administrators and 404 where the licence lacks
// runner controllers or the version has no such routes.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The states of a runner controller.
const (
	RunnerControllerDisabled = "disabled"
	RunnerControllerEnabled  = "enabled"
	RunnerControllerDryRun   = "dry_run"
)

// RunnerController is a runner controller (Entities::Ci::RunnerController;
// GET /runner_controllers/:id adds Connected).
type RunnerController struct {
	ID          int64      `json:"id"`
	Description *string    `json:"description"`
	State       string     `json:"state"`
	CreatedAt   *time.Time `json:"created_at"`
	UpdatedAt   *time.Time `json:"updated_at"`
	// Connected: an active token of it was used within the last hour (GET
	// of one controller only; nil in lists).
	Connected *bool `json:"connected"`
}

// RunnerControllerOptions are the parameters of POST and PUT
// /runner_controllers; nil fields are not sent (create: GitLab's default,
// update: unchanged).
type RunnerControllerOptions struct {
	Description *string `json:"description,omitempty"`
	State       *string `json:"state,omitempty"`
}

// RunnerControllerScoping is one scope of a controller: the instance
// (RunnerID 0) or one instance runner.
type RunnerControllerScoping struct {
	RunnerID  int64      `json:"runner_id"`
	CreatedAt *time.Time `json:"created_at"`
	UpdatedAt *time.Time `json:"updated_at"`
}

// RunnerControllerScopes are a controller's scopes. GitLab 18.9 has no
// runner_level_scopings key (nil Runners).
type RunnerControllerScopes struct {
	Instance []RunnerControllerScoping `json:"instance_level_scopings"`
	Runners  []RunnerControllerScoping `json:"runner_level_scopings"`
}

// RunnerControllerToken is a runner controller token; Token is set only in
// the answers that mint one (create, rotate). These tokens do not expire.
type RunnerControllerToken struct {
	ID                 int64      `json:"id"`
	RunnerControllerID int64      `json:"runner_controller_id"`
	Description        *string    `json:"description"`
	LastUsedAt         *time.Time `json:"last_used_at"`
	CreatedAt          *time.Time `json:"created_at"`
	UpdatedAt          *time.Time `json:"updated_at"`
	Token              string     `json:"token"`
}

func runnerControllerPath(id int64) string { return "/runner_controllers/" + strconv.FormatInt(id, 10) }

func runnerControllerTokenPath(controllerID, tokenID int64) string {
	return runnerControllerPath(controllerID) + "/tokens/" + strconv.FormatInt(tokenID, 10)
}

// ProbeRunnerControllers reads the first runner controller
// (GET /runner_controllers?per_page=1): the cheapest call that tells whether
// this server and token may use runner controllers at all.
func (c *Client) ProbeRunnerControllers(ctx context.Context) error {
	q := url.Values{"per_page": {"1"}}
	var out []RunnerController
	_, err := c.doJSON(ctx, call{method: http.MethodGet, path: "/runner_controllers", query: q, idempotent: true, userAuth: true}, &out)
	return err
}

// ListRunnerControllers lists every runner controller (GET /runner_controllers, all pages).
func (c *Client) ListRunnerControllers(ctx context.Context) ([]RunnerController, error) {
	return listAll[RunnerController](ctx, c, "/runner_controllers", nil, 0)
}

// GetRunnerController reads one controller (GET /runner_controllers/:id).
func (c *Client) GetRunnerController(ctx context.Context, id int64) (*RunnerController, error) {
	var out RunnerController
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: runnerControllerPath(id), idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRunnerController creates a controller (POST /runner_controllers,
// 201). It is not retried once it may have reached GitLab: such a failure
// matches ErrMaybeApplied, and GitLab may hold a controller the caller
// never saw.
func (c *Client) CreateRunnerController(ctx context.Context, opts RunnerControllerOptions) (*RunnerController, error) {
	var out RunnerController
	resp, err := c.doJSON(ctx, call{method: http.MethodPost, path: "/runner_controllers", body: opts, userAuth: true}, &out)
	if err != nil {
		return nil, err
	}
	if out.ID <= 0 {
		return nil, &UnusableAnswerError{Method: http.MethodPost, Path: "/runner_controllers", Status: resp.status, Reason: "it has no controller id"}
	}
	return &out, nil
}

// UpdateRunnerController changes a controller (PUT /runner_controllers/:id).
func (c *Client) UpdateRunnerController(ctx context.Context, id int64, opts RunnerControllerOptions) (*RunnerController, error) {
	var out RunnerController
	cl := call{method: http.MethodPut, path: runnerControllerPath(id), body: opts, idempotent: true, userAuth: true}
	if _, err := c.doJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRunnerController deletes a controller with its scopes and tokens
// (DELETE /runner_controllers/:id, 204). Retried like any idempotent call,
// so a retry after a lost answer can report ErrNotFound: callers treat it
// as done.
func (c *Client) DeleteRunnerController(ctx context.Context, id int64) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: runnerControllerPath(id), idempotent: true, userAuth: true})
	return err
}

// GetRunnerControllerScopes reads a controller's scopes (GET /runner_controllers/:id/scopes).
func (c *Client) GetRunnerControllerScopes(ctx context.Context, id int64) (*RunnerControllerScopes, error) {
	var out RunnerControllerScopes
	cl := call{method: http.MethodGet, path: runnerControllerPath(id) + "/scopes", idempotent: true, userAuth: true}
	if _, err := c.doJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AddRunnerControllerInstanceScope gives a controller the instance scope
// (POST /runner_controllers/:id/scopes/instance, 201). Retried: a repeat is
// GitLab's 409 "already exists" (IsScopeAlreadyThere).
func (c *Client) AddRunnerControllerInstanceScope(ctx context.Context, id int64) (*RunnerControllerScoping, error) {
	return c.addScope(ctx, runnerControllerPath(id)+"/scopes/instance")
}

// AddRunnerControllerRunnerScope scopes a controller to an instance runner
// (POST /runner_controllers/:id/scopes/runners/:runner_id, 201; GitLab
// 18.10+). Retried as AddRunnerControllerInstanceScope.
func (c *Client) AddRunnerControllerRunnerScope(ctx context.Context, id, runnerID int64) (*RunnerControllerScoping, error) {
	return c.addScope(ctx, runnerControllerPath(id)+"/scopes/runners/"+strconv.FormatInt(runnerID, 10))
}

func (c *Client) addScope(ctx context.Context, path string) (*RunnerControllerScoping, error) {
	var out RunnerControllerScoping
	cl := call{method: http.MethodPost, path: path, idempotent: true, reconcilable: true, userAuth: true}
	if _, err := c.doJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RemoveRunnerControllerInstanceScope removes the instance scope (DELETE
// /runner_controllers/:id/scopes/instance, 204, also when there is none).
func (c *Client) RemoveRunnerControllerInstanceScope(ctx context.Context, id int64) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: runnerControllerPath(id) + "/scopes/instance", idempotent: true, userAuth: true})
	return err
}

// RemoveRunnerControllerRunnerScope removes a runner scope (DELETE
// /runner_controllers/:id/scopes/runners/:runner_id, 204, also when there
// is none; 404 when the controller or the runner does not exist).
func (c *Client) RemoveRunnerControllerRunnerScope(ctx context.Context, id, runnerID int64) error {
	path := runnerControllerPath(id) + "/scopes/runners/" + strconv.FormatInt(runnerID, 10)
	_, err := c.do(ctx, call{method: http.MethodDelete, path: path, idempotent: true, userAuth: true})
	return err
}

// IsScopeAlreadyThere recognises GitLab's 409 to adding a scope the
// controller has already ("… scope already exists for this runner controller").
func IsScopeAlreadyThere(err error) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict &&
		(apiErr.Message == "Instance-level scope already exists for this runner controller" ||
			apiErr.Message == "Runner scope already exists for this runner controller")
}

// ListRunnerControllerTokens lists a controller's active tokens
// (GET /runner_controllers/:id/tokens, all pages), without their values.
func (c *Client) ListRunnerControllerTokens(ctx context.Context, controllerID int64) ([]RunnerControllerToken, error) {
	return listAll[RunnerControllerToken](ctx, c, runnerControllerPath(controllerID)+"/tokens", nil, 0)
}

// GetRunnerControllerToken reads an active token (GET
// /runner_controllers/:id/tokens/:token_id); a revoked one is ErrNotFound.
func (c *Client) GetRunnerControllerToken(ctx context.Context, controllerID, tokenID int64) (*RunnerControllerToken, error) {
	var out RunnerControllerToken
	cl := call{method: http.MethodGet, path: runnerControllerTokenPath(controllerID, tokenID), idempotent: true, userAuth: true}
	if _, err := c.doJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRunnerControllerToken mints a token (POST
// /runner_controllers/:id/tokens, 201), which GitLab shows only this once.
// Not retried once it may have been applied (ErrMaybeApplied).
func (c *Client) CreateRunnerControllerToken(ctx context.Context, controllerID int64, description *string) (*RunnerControllerToken, error) {
	body := map[string]*string{}
	if description != nil {
		body["description"] = description
	}
	return c.mintControllerToken(ctx, runnerControllerPath(controllerID)+"/tokens", body)
}

// RotateRunnerControllerToken revokes a token and mints its successor, a
// new record with a new id (POST /runner_controllers/:id/tokens/:token_id/rotate,
// 200); the old token stops working at once. Not retried once it may have
// been applied (ErrMaybeApplied).
func (c *Client) RotateRunnerControllerToken(ctx context.Context, controllerID, tokenID int64) (*RunnerControllerToken, error) {
	return c.mintControllerToken(ctx, runnerControllerTokenPath(controllerID, tokenID)+"/rotate", nil)
}

func (c *Client) mintControllerToken(ctx context.Context, path string, body any) (*RunnerControllerToken, error) {
	var out RunnerControllerToken
	resp, err := c.doJSON(ctx, call{method: http.MethodPost, path: path, body: body, userAuth: true}, &out)
	if err != nil {
		return nil, err
	}
	LearnSecret(out.Token)
	switch {
	case out.ID <= 0:
		return nil, &UnusableAnswerError{Method: http.MethodPost, Path: path, Status: resp.status, Reason: "it has no token id"}
	case out.Token == "":
		return nil, &UnusableAnswerError{Method: http.MethodPost, Path: path, Status: resp.status, ID: out.ID, Reason: "it has no token"}
	}
	return &out, nil
}

// RevokeRunnerControllerToken revokes a token (DELETE
// /runner_controllers/:id/tokens/:token_id, 204). A revoked or unknown
// token is ErrNotFound, also on a retry after a lost answer: callers treat
// it as done.
func (c *Client) RevokeRunnerControllerToken(ctx context.Context, controllerID, tokenID int64) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: runnerControllerTokenPath(controllerID, tokenID), idempotent: true, userAuth: true})
	return err
}
