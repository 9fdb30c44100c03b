package acctest

// The REST calls the helpers make to the GitLab under test, decoded on their
// own (not with internal/gitlabapi, so that a check never shares the
// provider's reading of an answer). Against the in-process mock they go
// straight to its API handler: the test's faults, statistics and latency are
// the provider's, never the checks'.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// restClient speaks GitLab's REST API (under /api/v4) as one token.
type restClient struct {
	apiURL string // ".../api/v4"
	token  string
	http   *http.Client
}

// restError is a REST answer that is not what the call wanted.
type restError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *restError) Error() string {
	body := e.Body
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, strings.TrimSpace(body))
}

// statusOf is the HTTP status of a restError (0 for other errors).
func statusOf(err error) int {
	var re *restError
	if errors.As(err, &re) {
		return re.Status
	}
	return 0
}

// newRESTClient returns a client of the GitLab at baseURL (without /api/v4).
func newRESTClient(baseURL, token string, hc *http.Client) *restClient {
	if hc == nil {
		hc = &http.Client{Timeout: time.Minute}
	}
	return &restClient{apiURL: strings.TrimRight(baseURL, "/") + "/api/v4", token: token, http: hc}
}

// inProcessClient serves requests with handler, without a network.
func inProcessClient(handler http.Handler) *http.Client {
	return &http.Client{Transport: handlerTransport{handler}, Timeout: time.Minute}
}

// handlerTransport is an http.RoundTripper that answers with a handler.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	sr := r.Clone(r.Context())
	sr.RequestURI = r.URL.RequestURI()
	sr.RemoteAddr = "127.0.0.1:1"
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sr)
	return rec.Result(), nil
}

// as returns the same client with another token.
func (c *restClient) as(token string) *restClient {
	cp := *c
	cp.token = token
	return &cp
}

// do sends one request (a JSON body when body is not nil) and returns the
// status, the answer's headers and body. Transient answers (429, 502, 503,
// 504, a lost connection) are retried a few times: a check must not fail on
// what GitLab asks clients to retry.
func (c *restClient) do(ctx context.Context, method, path string, body any) (int, http.Header, []byte, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return 0, nil, nil, err
		}
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return 0, nil, nil, ctx.Err()
			case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
			}
		}
		req, err := http.NewRequestWithContext(ctx, method, c.apiURL+path, bytes.NewReader(payload))
		if err != nil {
			return 0, nil, nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Accept", "application/json")
		if c.token != "" {
			req.Header.Set("PRIVATE-TOKEN", c.token)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			lastErr = fmt.Errorf("%s %s: %w", method, path, redactURLError(err))
			continue
		}
		data, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			lastErr = fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
			continue
		}
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			lastErr = &restError{Method: method, Path: path, Status: resp.StatusCode, Body: string(data)}
			continue
		}
		return resp.StatusCode, resp.Header, data, nil
	}
	return 0, nil, nil, lastErr
}

// redactURLError drops the URL of a transport error (it never holds a token
// here, but keeps messages short).
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// call sends a request and decodes a 2xx JSON answer into out (nil: ignore
// the body); other statuses are a *restError.
func (c *restClient) call(ctx context.Context, method, path string, body, out any) error {
	status, _, data, err := c.do(ctx, method, path, body)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return &restError{Method: method, Path: path, Status: status, Body: string(data)}
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", method, path, err)
	}
	return nil
}

// list reads every page of a list endpoint (query without page/per_page).
func (c *restClient) list(ctx context.Context, path string, query url.Values) ([]map[string]any, error) {
	var all []map[string]any
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", "100")
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		status, header, data, err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			return nil, &restError{Method: http.MethodGet, Path: path, Status: status, Body: string(data)}
		}
		var items []map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&items); err != nil {
			return nil, fmt.Errorf("GET %s: the answer is not a JSON list: %w", path, err)
		}
		all = append(all, items...)
		// GitLab names the next page in X-Next-Page, empty on the last one.
		if len(items) == 0 || header.Get("X-Next-Page") == "" || page >= 1000 {
			return all, nil
		}
	}
}

// Runner is a runner as GitLab's REST API shows it (GET /runners/:id).
type Runner struct {
	ID          int64
	Description string
	RunnerType  string
	GroupIDs    []int64 // the groups of a group runner
	ProjectIDs  []int64 // the projects of a project runner, its owner first
	// Fields is the whole answer, numbers as json.Number.
	Fields map[string]any
}

// String returns the named field as a string ("" for null or absent).
func (r Runner) String(name string) string {
	switch v := r.Fields[name].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// Bool returns the named boolean field (false for null or absent).
func (r Runner) Bool(name string) bool { v, _ := r.Fields[name].(bool); return v }

// Int returns the named integer field, nil for null or absent.
func (r Runner) Int(name string) *int64 {
	n, ok := r.Fields[name].(json.Number)
	if !ok {
		return nil
	}
	v, err := n.Int64()
	if err != nil {
		return nil
	}
	return &v
}

// Strings returns the named list of strings (tag_list), nil when absent.
func (r Runner) Strings(name string) []string {
	list, ok := r.Fields[name].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func runnerFromJSON(fields map[string]any) Runner {
	r := Runner{Fields: fields}
	if id, ok := fields["id"].(json.Number); ok {
		r.ID, _ = id.Int64()
	}
	r.Description = r.String("description")
	r.RunnerType = r.String("runner_type")
	r.GroupIDs = idsOf(fields["groups"])
	r.ProjectIDs = idsOf(fields["projects"])
	return r
}

// idsOf returns the "id" of each object of a JSON list.
func idsOf(v any) []int64 {
	list, _ := v.([]any)
	var out []int64
	for _, e := range list {
		obj, _ := e.(map[string]any)
		if n, ok := obj["id"].(json.Number); ok {
			if id, err := n.Int64(); err == nil {
				out = append(out, id)
			}
		}
	}
	return out
}

// runner is GET /runners/:id; found is false on 404.
func (c *restClient) runner(ctx context.Context, id int64) (Runner, bool, error) {
	var fields map[string]any
	err := c.call(ctx, http.MethodGet, "/runners/"+strconv.FormatInt(id, 10), nil, &fields)
	if statusOf(err) == http.StatusNotFound {
		return Runner{}, false, nil
	}
	if err != nil {
		return Runner{}, false, err
	}
	return runnerFromJSON(fields), true, nil
}

// runners lists the runners the token may list and keep accepts: every
// runner of the instance for an administrator (GET /runners/all), else the
// group's and the projects' runners and the user's own, without duplicates.
//
// A page-numbered list is no snapshot: when someone else deletes a runner
// on a page already read, the next page starts one runner later and a
// runner nobody touched is missed (live runs' tests run in parallel on one
// GitLab). So the list is read twice; a runner that one pass missed is read
// on its own (GET /runners/:id), and kept if it still exists.
func (c *restClient) runners(ctx context.Context, groupID int64, projectIDs []int64, keep func(Runner) bool) ([]Runner, error) {
	var passes [2]map[int64]Runner
	for i := range passes {
		listed, err := c.runnersOnce(ctx, groupID, projectIDs)
		if err != nil {
			return nil, err
		}
		passes[i] = map[int64]Runner{}
		for _, r := range listed {
			if keep == nil || keep(r) {
				passes[i][r.ID] = r
			}
		}
	}
	out := make([]Runner, 0, len(passes[1]))
	for id, r := range passes[1] {
		if _, ok := passes[0][id]; ok {
			out = append(out, r)
		}
	}
	var once []int64 // seen by one pass only
	for i, pass := range passes {
		for id := range pass {
			if _, ok := passes[1-i][id]; !ok {
				once = append(once, id)
			}
		}
	}
	for _, id := range once {
		r, found, err := c.runner(ctx, id)
		if err != nil {
			return nil, err
		}
		if found && (keep == nil || keep(r)) {
			out = append(out, r)
		}
	}
	sortRunners(out)
	return out, nil
}

// runnersOnce is one pass of runners.
func (c *restClient) runnersOnce(ctx context.Context, groupID int64, projectIDs []int64) ([]Runner, error) {
	items, err := c.list(ctx, "/runners/all", nil)
	if st := statusOf(err); st == http.StatusForbidden || st == http.StatusUnauthorized {
		items, err = c.scopeRunners(ctx, groupID, projectIDs)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Runner, 0, len(items))
	for _, it := range items {
		out = append(out, runnerFromJSON(it))
	}
	return out, nil
}

// scopeRunners lists the group's, the projects' and the user's own runners.
func (c *restClient) scopeRunners(ctx context.Context, groupID int64, projectIDs []int64) ([]map[string]any, error) {
	seen := map[string]bool{}
	var out []map[string]any
	add := func(path string, q url.Values) error {
		items, err := c.list(ctx, path, q)
		if err != nil {
			return err
		}
		for _, it := range items {
			if k := fmt.Sprint(it["id"]); !seen[k] {
				seen[k] = true
				out = append(out, it)
			}
		}
		return nil
	}
	if err := add("/runners", nil); err != nil {
		return nil, err
	}
	if groupID > 0 {
		if err := add(fmt.Sprintf("/groups/%d/runners", groupID), url.Values{"type": {"group_type"}}); err != nil {
			return nil, err
		}
	}
	for _, p := range projectIDs {
		if err := add(fmt.Sprintf("/projects/%d/runners", p), url.Values{"type": {"project_type"}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// createRunner is POST /user/runners; it returns the id and the token.
func (c *restClient) createRunner(ctx context.Context, params map[string]any) (int64, string, error) {
	var out struct {
		ID    json.Number `json:"id"`
		Token string      `json:"token"`
	}
	if err := c.call(ctx, http.MethodPost, "/user/runners", params, &out); err != nil {
		return 0, "", err
	}
	id, err := out.ID.Int64()
	return id, out.Token, err
}

// updateRunner is PUT /runners/:id.
func (c *restClient) updateRunner(ctx context.Context, id int64, params map[string]any) error {
	return c.call(ctx, http.MethodPut, "/runners/"+strconv.FormatInt(id, 10), params, nil)
}

// deleteRunner is DELETE /runners/:id; a runner already gone is no error.
func (c *restClient) deleteRunner(ctx context.Context, id int64) error {
	err := c.call(ctx, http.MethodDelete, "/runners/"+strconv.FormatInt(id, 10), nil, nil)
	if statusOf(err) == http.StatusNotFound {
		return nil
	}
	return err
}

// assignRunner is POST /projects/:id/runners.
func (c *restClient) assignRunner(ctx context.Context, projectID, runnerID int64) error {
	return c.call(ctx, http.MethodPost, fmt.Sprintf("/projects/%d/runners", projectID), map[string]any{"runner_id": runnerID}, nil)
}

// unassignRunner is DELETE /projects/:id/runners/:runner_id; an assignment
// already gone is no error.
func (c *restClient) unassignRunner(ctx context.Context, projectID, runnerID int64) error {
	err := c.call(ctx, http.MethodDelete, fmt.Sprintf("/projects/%d/runners/%d", projectID, runnerID), nil, nil)
	if statusOf(err) == http.StatusNotFound {
		return nil
	}
	return err
}

// verify sends what `gitlab-runner register --token` sends (POST
// /runners/verify, the token in the body and the RUNNER-TOKEN header) and
// returns the status and the runner id GitLab names (0 when none).
func (c *restClient) verify(ctx context.Context, runnerToken, systemID string) (int, int64, error) {
	body, _ := json.Marshal(map[string]any{
		"token":     runnerToken,
		"system_id": systemID,
		"info": map[string]any{
			"name": "gitlab-runner", "version": "18.6.0", "revision": "acctest0",
			"platform": "linux", "architecture": "amd64", "executor": "shell", "shell": "bash",
			"features": map[string]bool{}, "config": map[string]any{}, "labels": map[string]string{},
		},
	})
	status, data, err := c.runnerPost(ctx, "/runners/verify", body, runnerToken)
	var out struct {
		ID json.Number `json:"id"`
	}
	_ = json.Unmarshal(data, &out) // a 403 has no id; the status says so
	id, _ := out.ID.Int64()
	return status, id, err
}

// register sends what the legacy `gitlab-runner register
// --registration-token` sends (POST /runners) with a description, and
// returns the status and the new runner's id.
func (c *restClient) register(ctx context.Context, registrationToken, description string) (int, int64, error) {
	body, _ := json.Marshal(map[string]any{
		"token": registrationToken, "description": description, "run_untagged": true,
		"info": map[string]any{"name": "gitlab-runner", "version": "18.6.0", "revision": "acctest0",
			"platform": "linux", "architecture": "amd64"},
	})
	status, data, err := c.runnerPost(ctx, "/runners", body, "")
	var out struct {
		ID json.Number `json:"id"`
	}
	_ = json.Unmarshal(data, &out)
	id, _ := out.ID.Int64()
	return status, id, err
}

// rotateAsRunner rotates a token the way a running gitlab-runner does
// (POST /runners/reset_authentication_token with the token in the body)
// and returns the status and the new token.
func (c *restClient) rotateAsRunner(ctx context.Context, runnerToken string) (int, string, error) {
	body, _ := json.Marshal(map[string]string{"token": runnerToken})
	status, data, err := c.runnerPost(ctx, "/runners/reset_authentication_token", body, "")
	var out struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(data, &out) // a 403 has no token; the status says so
	return status, out.Token, err
}

// runnerPost POSTs a JSON body as gitlab-runner does (its User-Agent, no
// user token, RUNNER-TOKEN when runnerToken is set). Errors never quote the
// body: it holds a token.
func (c *restClient) runnerPost(ctx context.Context, path string, body []byte, runnerToken string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.apiURL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gitlab-runner 18.6.0 (acctest; go; linux/amd64)")
	if runnerToken != "" {
		req.Header.Set("RUNNER-TOKEN", runnerToken)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("POST %s: %w", path, redactURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// object is GET of one JSON object (settings, a group).
func (c *restClient) object(ctx context.Context, path string) (map[string]any, error) {
	var out map[string]any
	err := c.call(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

// isAdmin asks GET /user whether the token's user is an administrator.
func (c *restClient) isAdmin(ctx context.Context) (bool, error) {
	user, err := c.object(ctx, "/user")
	if err != nil {
		return false, err
	}
	admin, _ := user["is_admin"].(bool)
	return admin, nil
}

// graphQL runs a GraphQL query or mutation (POST /api/graphql) and decodes
// its data into out; GraphQL's errors are an error.
func (c *restClient) graphQL(ctx context.Context, query string, vars map[string]any, out any) error {
	gql := *c
	gql.apiURL = strings.TrimSuffix(c.apiURL, "/v4")
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := gql.call(ctx, http.MethodPost, "/graphql", map[string]any{"query": query, "variables": vars}, &answer); err != nil {
		return err
	}
	if len(answer.Errors) > 0 {
		msgs := make([]string, 0, len(answer.Errors))
		for _, e := range answer.Errors {
			msgs = append(msgs, e.Message)
		}
		return fmt.Errorf("GraphQL: %s", strings.Join(msgs, "; "))
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(answer.Data))
	dec.UseNumber()
	return dec.Decode(out)
}
