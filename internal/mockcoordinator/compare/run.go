package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Server is one side of a comparison: a GitLab, or the mock.
type Server struct {
	Name          string // "GitLab", "mock"
	BaseURL       string // without /api/v4
	AdminToken    string
	NonAdminToken string  // "": the steps that need one are skipped
	GroupID       int64   // 0: the steps that need a group are skipped
	ProjectIDs    []int64 // fewer than 2: the steps that need projects are skipped
	HTTP          *http.Client
}

// unknownID is an id no runner or project has on a test GitLab.
const unknownID = 2147483647

// exchange is one step as sent to one server, and its answer.
type exchange struct {
	step    step
	skipped string // why it was not sent ("" when sent)
	err     string // the request failed without an answer
	status  int
	header  http.Header
	body    any // decoded JSON (numbers as json.Number); nil when empty or not JSON
	raw     string
}

// session runs the scenario against one server.
type session struct {
	srv     Server
	prefix  string
	tag     string
	avail   map[string]bool   // what the scenario may use (the GitLab's settings decide for both sides)
	runners map[string]int64  // runner name -> id
	tokens  map[string]string // runner name -> current token; name+":old" -> the one before
	deleted map[string]bool
	names   map[string]string // id -> "<runner:name>" (or "<group>|<runner:name>": addName), for normalisation
}

func newSession(srv Server, prefix, tag string, avail map[string]bool) *session {
	if srv.HTTP == nil {
		srv.HTTP = &http.Client{Timeout: time.Minute}
	}
	return &session{srv: srv, prefix: prefix, tag: tag, avail: avail, runners: map[string]int64{},
		tokens: map[string]string{}, deleted: map[string]bool{}, names: map[string]string{}}
}

// run sends every step in order.
func (s *session) run(ctx context.Context, steps []step) []exchange {
	out := make([]exchange, 0, len(steps))
	for _, st := range steps {
		out = append(out, s.send(ctx, st))
	}
	return out
}

func (s *session) send(ctx context.Context, st step) exchange {
	ex := exchange{step: st}
	for _, n := range st.needs {
		if !s.avail[n] {
			ex.skipped = "needs " + needHint(n)
			return ex
		}
	}
	path, err := s.expand(st.path)
	if err == nil && st.body != nil {
		var body any
		if body, err = s.expandValue(st.body); err == nil {
			return s.do(ctx, ex, path, body)
		}
	}
	if err != nil {
		ex.skipped = err.Error()
		return ex
	}
	return s.do(ctx, ex, path, nil)
}

func (s *session) do(ctx context.Context, ex exchange, path string, body any) exchange {
	var payload io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, ex.step.method, strings.TrimRight(s.srv.BaseURL, "/")+"/api/v4"+path, payload)
	if err != nil {
		ex.err = err.Error()
		return ex
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch ex.step.as {
	case asAdmin:
		req.Header.Set("PRIVATE-TOKEN", s.srv.AdminToken)
	case asNonAdmin:
		req.Header.Set("PRIVATE-TOKEN", s.srv.NonAdminToken)
	case asRunner:
		req.Header.Set("User-Agent", "gitlab-runner 18.6.0 (compare; go; linux/amd64)")
	}
	resp, err := s.srv.HTTP.Do(req)
	if err != nil {
		ex.err = fmt.Sprintf("no answer: %v", err)
		return ex
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	ex.status, ex.header, ex.raw = resp.StatusCode, resp.Header, string(data)
	if len(bytes.TrimSpace(data)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			ex.body = v
		}
	}
	s.remember(ex)
	return ex
}

// remember keeps what a successful answer created: a runner's id and
// token, a new token, a deletion.
func (s *session) remember(ex exchange) {
	obj, _ := ex.body.(map[string]any)
	ok := ex.status >= 200 && ex.status < 300
	if ex.step.capture != "" && ok {
		name := ex.step.capture
		if n, isNum := obj["id"].(json.Number); isNum {
			if id, err := n.Int64(); err == nil {
				s.runners[name] = id
				addName(s.names, n.String(), "<runner:"+name+">")
			}
		}
		s.tokens[name], _ = obj["token"].(string)
	}
	if ex.step.token != "" && ok {
		s.tokens[ex.step.token+":old"] = s.tokens[ex.step.token]
		s.tokens[ex.step.token], _ = obj["token"].(string)
	}
	if ex.step.method == http.MethodDelete && ok && strings.HasPrefix(ex.step.path, "/runners/{runner:") {
		s.deleted[strings.TrimSuffix(strings.TrimPrefix(ex.step.path, "/runners/{runner:"), "}")] = true
	}
}

// cleanup deletes the runners the scenario created and did not delete.
func (s *session) cleanup(ctx context.Context) []string {
	var failed []string
	for name, id := range s.runners {
		if s.deleted[name] {
			continue
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, fmt.Sprintf("%s/api/v4/runners/%d", strings.TrimRight(s.srv.BaseURL, "/"), id), nil)
		req.Header.Set("PRIVATE-TOKEN", s.srv.AdminToken)
		resp, err := s.srv.HTTP.Do(req)
		if err != nil {
			failed = append(failed, fmt.Sprintf("runner %d (%s): %v", id, name, err))
			continue
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusNotFound {
			failed = append(failed, fmt.Sprintf("runner %d (%s): DELETE answered %d", id, name, resp.StatusCode))
		}
	}
	return failed
}

// expand replaces the placeholders of a path.
func (s *session) expand(text string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		v, err := s.placeholder(text[i+1 : i+j])
		if err != nil {
			return "", err
		}
		b.WriteString(text[:i])
		_, _ = fmt.Fprint(&b, v)
		text = text[i+j+1:]
	}
}

// expandValue replaces placeholders in a body: a string that is one
// placeholder becomes its value (a number for ids), others are expanded.
func (s *session) expandValue(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "{") && strings.HasSuffix(x, "}") && strings.Count(x, "{") == 1 {
			return s.placeholder(x[1 : len(x)-1])
		}
		return s.expand(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = s.expandValue(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			var err error
			if out[k], err = s.expandValue(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

func (s *session) placeholder(name string) (any, error) {
	switch name {
	case "group":
		return s.srv.GroupID, nil
	case "project0", "project1":
		i, _ := strconv.Atoi(name[len("project"):])
		return s.srv.ProjectIDs[i], nil
	case "tag":
		return s.tag, nil
	case "prefix":
		return s.prefix, nil
	case "unknown":
		return unknownID, nil
	}
	if r, ok := strings.CutPrefix(name, "runner:"); ok {
		if id, ok := s.runners[r]; ok {
			return id, nil
		}
		return nil, fmt.Errorf("needs the %s runner, which this server did not create", r)
	}
	if t, ok := strings.CutPrefix(name, "token:"); ok {
		if tok := s.tokens[t]; tok != "" {
			return tok, nil
		}
		return nil, fmt.Errorf("needs the token %s, which this server did not give", t)
	}
	return "{" + name + "}", nil
}

func needHint(n string) string {
	switch n {
	case needsGroup:
		return "a group (GITLABRUNNER_TEST_GROUP_ID)"
	case needsProjects:
		return "two projects (GITLABRUNNER_TEST_PROJECT_IDS)"
	case needsNonAdmin:
		return "a non-administrator's token (GITLABRUNNER_TEST_NON_ADMIN_TOKEN)"
	}
	return n
}
