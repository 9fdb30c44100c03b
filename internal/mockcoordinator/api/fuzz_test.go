package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead}

var fuzzContentTypes = []string{"application/json", "application/x-www-form-urlencoded", "", "text/plain", "application/json; charset=utf-8", "multipart/form-data; boundary=x"}

// FuzzMockRequest drives NewHandler with arbitrary methods, paths, query
// strings, bodies and content types, as different users. The mock must never
// panic and never answer 5xx on its own, and every error must be shaped like
// GitLab's: a JSON object with a "message" or "error" member. The seed
// corpus in testdata/fuzz/FuzzMockRequest runs with every `go test`.
func FuzzMockRequest(f *testing.F) {
	seeds := []struct {
		method      byte
		path, query string
		body        string
		ctype, user byte
	}{
		{1, "/user/runners", "", `{"runner_type":"group_type","group_id":1,"tag_list":"a,b"}`, 0, 1},
		{1, "/user/runners", "", `runner_type=project_type&project_id=1&maximum_timeout=5`, 1, 0},
		{1, "/user/runners", "", `{"runner_type":"instance_type","maximum_timeout":"x","paused":"maybe"}`, 0, 0},
		{0, "/runners/1", "", "", 2, 0},
		{2, "/runners/1", "", `{"tag_list":["a",1,null],"access_level":"ref_protected","maximum_timeout":null}`, 0, 0},
		{3, "/runners/1", "", "", 2, 1},
		{1, "/runners/1/reset_authentication_token", "", "", 2, 0},
		{0, "/runners/all", "page=-1&per_page=100000&tag_list=a,,b&status=weird", "", 2, 0},
		{0, "/groups/1/runners", "type=group_type&paused=perhaps&version_prefix=(", "", 2, 1},
		{0, "/projects/1/runners", "page=99999999999999999999", "", 2, 0},
		{1, "/runners/verify", "", `{"token":"glrt-x","system_id":""}`, 0, 3},
		{1, "/runners", "", `{"token":"GR1348941x","info":{"name":1}}`, 0, 3},
		{3, "/runners", "", `token=`, 1, 3},
		{3, "/runners/managers", "", `{"token":"x","system_id":"s_1"}`, 0, 3},
		{1, "/runners/reset_authentication_token", "", `{"token":[]}`, 0, 3},
		{1, "/jobs/request", "", `{"token":"x","last_update":5}`, 0, 3},
		{2, "/application/settings", "", `{"allow_runner_registration_token":"x","valid_runner_registrars":"group"}`, 0, 0},
		{0, "/groups/%2e%2e/runners", "", "", 2, 0},
		{0, "/version", "private_token=x", "", 2, 2},
		{4, "/runners/1", "", "", 2, 0},
		{0, "/runners/1/managers", "", "", 2, 1},
		{1, "/user/runners", "", `{"runner_type":"group_type","group_id":1e400}`, 0, 1},
		{1, "/user/runners", "", "\x00\xff{", 0, 0},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, []byte(s.body), s.ctype, s.user)
	}

	st := store.NewStore(store.Options{Clock: store.NewFakeClock(testStart)})
	seed := st.SeedDefaults()
	users := []string{seed.AdminToken, seed.Group.OwnerToken, seed.ReadAPIToken, "", "glpat-not-a-token"}
	api := NewHandler(st)

	f.Fuzz(func(t *testing.T, method byte, path, query string, body []byte, ctype, user byte) {
		r := &http.Request{
			Method:     fuzzMethods[int(method)%len(fuzzMethods)],
			URL:        &url.URL{Path: "/api/v4" + path, RawQuery: query},
			Proto:      "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
			Host:          "127.0.0.1",
			RemoteAddr:    "127.0.0.1:1234",
		}
		if ct := fuzzContentTypes[int(ctype)%len(fuzzContentTypes)]; ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if tok := users[int(user)%len(users)]; tok != "" {
			r.Header.Set("PRIVATE-TOKEN", tok)
		}
		r = r.WithContext(t.Context())
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, r)

		status := rec.Code
		if status >= 500 {
			t.Fatalf("%s %s?%s answered %d: %s", r.Method, path, query, status, rec.Body.String())
		}
		if status < 400 || r.Method == http.MethodHead {
			return
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("%s %s answered %d with Content-Type %q", r.Method, path, status, ct)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &obj); err != nil {
			t.Fatalf("%s %s answered %d with a body that is not a JSON object: %q", r.Method, path, status, rec.Body.String())
		}
		if _, ok := obj["message"]; !ok {
			if _, ok := obj["error"]; !ok {
				t.Fatalf("%s %s answered %d without message or error: %s", r.Method, path, status, rec.Body.String())
			}
		}
	})
}
