package gitlabapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// CreateUserRunner creates a runner (POST /user/runners, 201) and returns
// its authentication token, which GitLab shows only this once.
// It is not retried once it may have reached GitLab: on a 5xx, a lost
// connection or an answer it cannot use (an *UnusableAnswerError, which may
// carry the runner's id) the error matches ErrMaybeApplied and the caller
// must look for the runner before trying again.
func (c *Client) CreateUserRunner(ctx context.Context, opts CreateUserRunnerOptions) (*RunnerToken, error) {
	if opts.RunnerType == "" {
		return nil, fmt.Errorf("POST /user/runners: runner_type is required (%s, %s or %s)", RunnerTypeInstance, RunnerTypeGroup, RunnerTypeProject)
	}
	var out RunnerToken
	resp, err := c.doJSON(ctx, call{method: http.MethodPost, path: "/user/runners", body: opts, userAuth: true}, &out)
	if err != nil {
		return nil, err
	}
	LearnSecret(out.Token)
	switch {
	case out.ID <= 0 && out.Token == "":
		return nil, &UnusableAnswerError{Method: http.MethodPost, Path: "/user/runners", Status: resp.status, Reason: "it has neither a runner id nor a token"}
	case out.ID <= 0:
		return nil, &UnusableAnswerError{Method: http.MethodPost, Path: "/user/runners", Status: resp.status, Reason: "it has no runner id"}
	case out.Token == "":
		return nil, &UnusableAnswerError{Method: http.MethodPost, Path: "/user/runners", Status: resp.status, ID: out.ID, Reason: "it has no token"}
	}
	return &out, nil
}

// GetRunner reads a runner (GET /runners/:id). A missing runner is
// ErrNotFound. The answer is decoded strictly: fields it holds ambiguously
// are left out and listed in Malformed (strict_decode.go); an answer about
// another runner, or without a usable id, is an error.
func (c *Client) GetRunner(ctx context.Context, id int64) (*RunnerDetails, error) {
	return c.runnerDetails(ctx, id, call{method: http.MethodGet, path: runnerPath(id), idempotent: true, userAuth: true})
}

// UpdateRunner changes a runner (PUT /runners/:id) and returns its new
// state, decoded as GetRunner's.
func (c *Client) UpdateRunner(ctx context.Context, id int64, opts UpdateRunnerOptions) (*RunnerDetails, error) {
	return c.runnerDetails(ctx, id, call{method: http.MethodPut, path: runnerPath(id), body: opts, idempotent: true, userAuth: true})
}

// runnerDetails runs cl, whose answer is runner id's details.
func (c *Client) runnerDetails(ctx context.Context, id int64, cl call) (*RunnerDetails, error) {
	var out RunnerDetails
	malformed, err := c.doStrictJSON(ctx, cl, &out)
	if err != nil {
		return nil, err
	}
	if out.ID != id {
		reason := "it has no usable runner id"
		if out.ID != 0 {
			reason = fmt.Sprintf("it is about runner %d", out.ID)
		}
		for _, f := range malformed {
			if f.Key == "id" {
				reason += " (" + f.Reason + ")"
			}
		}
		return nil, &MalformedAnswerError{Method: cl.method, Path: cl.path, Fields: []MalformedField{{Key: "id", Reason: reason}}}
	}
	if e := out.TokenExpiresAt.Malformed; e != "" {
		malformed = append(malformed, MalformedField{Key: "token_expires_at", Reason: c.masker.mask(e)})
	}
	out.Malformed = malformed
	return &out, nil
}

// DeleteRunner deletes a runner (DELETE /runners/:id, 204). It is retried
// like any idempotent call, so a retry after a lost answer can report
// ErrNotFound for a runner the first attempt deleted: callers deleting a
// runner should treat ErrNotFound as success.
func (c *Client) DeleteRunner(ctx context.Context, id int64) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: runnerPath(id), idempotent: true, userAuth: true})
	return err
}

// ResetRunnerAuthenticationToken rotates a runner's token
// (POST /runners/:id/reset_authentication_token, 201); the old token stops
// working at once. Not retried once it may have been applied (ErrMaybeApplied).
func (c *Client) ResetRunnerAuthenticationToken(ctx context.Context, id int64) (*RunnerToken, error) {
	var out RunnerToken
	path := runnerPath(id) + "/reset_authentication_token"
	resp, err := c.doJSON(ctx, call{method: http.MethodPost, path: path, userAuth: true}, &out)
	if err != nil {
		return nil, err
	}
	LearnSecret(out.Token)
	if out.Token == "" {
		return nil, &UnusableAnswerError{Method: http.MethodPost, Path: path, Status: resp.status, ID: id, Reason: "it has no token"}
	}
	out.ID = id // GitLab answers only {token, token_expires_at}
	return &out, nil
}

// ListRunnerManagers lists the hosts using a runner's token (GET /runners/:id/managers).
func (c *Client) ListRunnerManagers(ctx context.Context, id int64) ([]RunnerManager, error) {
	var out []RunnerManager
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: runnerPath(id) + "/managers", idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []RunnerManager{}
	}
	return out, nil
}

// ListRunners lists runners of a scope, following x-next-page to the end.
func (c *Client) ListRunners(ctx context.Context, opts ListRunnersOptions) ([]Runner, error) {
	var path string
	switch opts.Scope {
	case RunnerScopeAll:
		path = "/runners/all"
	case RunnerScopeOwned, "":
		path = "/runners"
	case RunnerScopeGroup:
		if opts.ScopeID <= 0 {
			return nil, fmt.Errorf("listing group runners needs a group id > 0, got %d", opts.ScopeID)
		}
		path = "/groups/" + strconv.FormatInt(opts.ScopeID, 10) + "/runners"
	case RunnerScopeProject:
		if opts.ScopeID <= 0 {
			return nil, fmt.Errorf("listing project runners needs a project id > 0, got %d", opts.ScopeID)
		}
		path = "/projects/" + strconv.FormatInt(opts.ScopeID, 10) + "/runners"
	default:
		return nil, fmt.Errorf("runner list scope %q is not valid: use all, owned, group or project", string(opts.Scope))
	}
	q := url.Values{}
	if opts.Type != "" {
		q.Set("type", opts.Type)
	}
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	if opts.Paused != nil {
		q.Set("paused", strconv.FormatBool(*opts.Paused))
	}
	if len(opts.TagList) > 0 {
		q.Set("tag_list", strings.Join(opts.TagList, ","))
	}
	if opts.VersionPrefix != "" {
		q.Set("version_prefix", opts.VersionPrefix)
	}
	out, err := listAll[Runner](ctx, c, path, q, opts.PerPage)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AssignRunnerToProject assigns an existing project runner to one more
// project (POST /projects/:id/runners, 201) and returns the runner. It is
// retried like an idempotent call: a retry after a lost answer gets GitLab's
// 400 "already been taken", which the caller reads as done (see
// IsAlreadyAssigned). When it fails after an attempt may have reached GitLab
// (a 5xx, a lost connection, an answer that cannot be read, an interruption)
// the error matches ErrMaybeApplied: the caller reads the runner back.
func (c *Client) AssignRunnerToProject(ctx context.Context, projectID, runnerID int64) (*Runner, error) {
	var out Runner
	body := map[string]int64{"runner_id": runnerID}
	cl := call{method: http.MethodPost, path: projectRunnersPath(projectID), body: body, idempotent: true, reconcilable: true, userAuth: true}
	if _, err := c.doJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UnassignRunnerFromProject removes a runner from a project it is assigned
// to (DELETE /projects/:id/runners/:runner_id, 204). A runner not assigned
// there is ErrNotFound, also on a retry after a lost answer: callers treat
// ErrNotFound as done.
func (c *Client) UnassignRunnerFromProject(ctx context.Context, projectID, runnerID int64) error {
	path := projectRunnersPath(projectID) + "/" + strconv.FormatInt(runnerID, 10)
	_, err := c.do(ctx, call{method: http.MethodDelete, path: path, idempotent: true, userAuth: true})
	return err
}

// IsAlreadyAssigned recognises GitLab's answer to assigning a runner to a
// project it is assigned to already: 400 "Assign to Validation failed:
// Runner projects runner has already been taken - runner_error".
func IsAlreadyAssigned(err error) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(apiErr.Message), "has already been taken")
}

func projectRunnersPath(projectID int64) string {
	return "/projects/" + strconv.FormatInt(projectID, 10) + "/runners"
}

func runnerPath(id int64) string { return "/runners/" + strconv.FormatInt(id, 10) }
