package gitlabapi

import (
	"context"
	"net/http"
	"strconv"
)

// GetApplicationSettings reads the instance settings (GET /application/settings,
// administrators only: others get ErrForbidden).
func (c *Client) GetApplicationSettings(ctx context.Context) (*ApplicationSettings, error) {
	var out ApplicationSettings
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: "/application/settings", idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateApplicationSettings changes instance settings (PUT
// /application/settings, administrators only: others get ErrForbidden) and
// returns them all. GitLab ignores settings it does not have (older
// versions), so callers compare the answer with what they sent.
func (c *Client) UpdateApplicationSettings(ctx context.Context, opts UpdateApplicationSettingsOptions) (*ApplicationSettings, error) {
	var out ApplicationSettings
	if _, err := c.doJSON(ctx, call{method: http.MethodPut, path: "/application/settings", body: opts, idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetGroup reads a group (GET /groups/:id).
func (c *Client) GetGroup(ctx context.Context, id int64) (*Group, error) {
	var out Group
	path := "/groups/" + strconv.FormatInt(id, 10)
	q := map[string][]string{"with_projects": {"false"}}
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: path, query: q, idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetProject reads a project (GET /projects/:id).
func (c *Client) GetProject(ctx context.Context, id int64) (*Project, error) {
	var out Project
	path := "/projects/" + strconv.FormatInt(id, 10)
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: path, idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateProjectRunnerSettings changes a project's runner settings (PUT
// /projects/:id, the project's Maintainers) and returns the project.
func (c *Client) UpdateProjectRunnerSettings(ctx context.Context, id int64, s ProjectRunnerSettings) (*Project, error) {
	var out Project
	path := "/projects/" + strconv.FormatInt(id, 10)
	if _, err := c.doJSON(ctx, call{method: http.MethodPut, path: path, body: s, idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetVersion reads the server version (GET /version).
func (c *Client) GetVersion(ctx context.Context) (*Version, error) {
	var out Version
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: "/version", idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifyRunner is the runner-facing POST /runners/verify (200), what
// `gitlab-runner register --token glrt-…` calls: it checks the token and
// records the runner manager for systemID. The token goes only in the JSON
// body and the RUNNER-TOKEN header (as the real runner sends it); the user's
// PRIVATE-TOKEN is not sent. Retried like an idempotent call: verifying
// twice for the same system_id has the same effect as once.
func (c *Client) VerifyRunner(ctx context.Context, token, systemID string) (*RunnerToken, error) {
	body := map[string]string{"token": token}
	if systemID != "" {
		body["system_id"] = systemID
	}
	var out RunnerToken
	if _, err := c.doJSON(ctx, call{method: http.MethodPost, path: "/runners/verify", body: body, idempotent: true, runnerToken: token}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
