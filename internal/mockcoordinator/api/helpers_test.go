package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// testEnv is a seeded store behind NewHandler with a fake clock.
type testEnv struct {
	t     testing.TB
	st    *store.Store
	h     http.Handler
	clock *store.FakeClock
	seed  store.Seed
}

var testStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newTestEnv(t testing.TB, version string) *testEnv {
	t.Helper()
	clock := store.NewFakeClock(testStart)
	st := store.NewStore(store.Options{Version: version, Clock: clock})
	seed := st.SeedDefaults()
	return &testEnv{t: t, st: st, h: NewHandler(st), clock: clock, seed: seed}
}

// form marks a request body to be sent form-encoded.
type form url.Values

// call sends a request; token (if any) goes in PRIVATE-TOKEN; body is JSON
// unless it is a form or a raw string.
func (e *testEnv) call(method, path, token string, body any, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var rd *bytes.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case form:
		rd = bytes.NewReader([]byte(url.Values(b).Encode()))
		ct = "application/x-www-form-urlencoded"
	case string:
		rd = bytes.NewReader([]byte(b))
		ct = "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
		ct = "application/json"
	}
	if !strings.HasPrefix(path, "/api/v4") && !strings.HasPrefix(path, mockAdminPrefix) {
		path = "/api/v4" + path
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = "192.0.2.10:40000"
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// expect checks status and, when want != "", that the JSON body equals want.
func expect(t testing.TB, rec *httptest.ResponseRecorder, status int, want string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body.String())
	}
	if want == "" {
		return
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var got, exp any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body.String())
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Fatalf("body = %s\nwant   %s", rec.Body.String(), want)
	}
}

func decodeMap(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, rec.Body.String())
	}
	return m
}

func decodeList(t testing.TB, rec *httptest.ResponseRecorder) []map[string]any {
	t.Helper()
	var l []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil {
		t.Fatalf("body is not a JSON array: %v: %s", err, rec.Body.String())
	}
	return l
}

// createRunner creates a runner through the API and returns id and token.
func (e *testEnv) createRunner(token string, body map[string]any) (int64, string) {
	e.t.Helper()
	rec := e.call("POST", "/user/runners", token, body)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create runner: %d %s", rec.Code, rec.Body.String())
	}
	m := decodeMap(e.t, rec)
	return int64(m["id"].(float64)), m["token"].(string)
}

func (e *testEnv) instanceRunner(extra ...any) (int64, string) {
	body := map[string]any{"runner_type": "instance_type"}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	return e.createRunner(e.seed.AdminToken, body)
}

func (e *testEnv) groupRunner(extra ...any) (int64, string) {
	body := map[string]any{"runner_type": "group_type", "group_id": e.seed.Group.ID}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	return e.createRunner(e.seed.AdminToken, body)
}

func (e *testEnv) projectRunner(extra ...any) (int64, string) {
	body := map[string]any{"runner_type": "project_type", "project_id": e.seed.Project.ID}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	return e.createRunner(e.seed.AdminToken, body)
}

func itoa(n int64) string { return jsonNum(n) }

func jsonNum(n int64) string {
	raw, _ := json.Marshal(n)
	return string(raw)
}

func newRawRequest(method, path string) *http.Request { return httptest.NewRequest(method, path, nil) }

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
