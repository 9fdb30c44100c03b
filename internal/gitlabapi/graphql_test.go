package gitlabapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunnerDetailsTokenExpiry: GET /runners/:id of released GitLab versions
// has no token_expires_at (not Known); a server that sends it (GitLab MR
// !253821) is read, null meaning "never expires".
func TestRunnerDetailsTokenExpiry(t *testing.T) {
	const base = `{"id":7,"runner_type":"group_type","description":"ci"`
	want := time.Date(2026, 2, 1, 12, 0, 0, 250e6, time.UTC)
	for _, tc := range []struct {
		name, field string
		known       bool
		at          *time.Time
	}{
		{"absent (every released version)", ``, false, nil},
		{"null (no expiration interval)", `,"token_expires_at":null`, true, nil},
		{"a time with milliseconds", `,"token_expires_at":"2026-02-01T12:00:00.250Z"`, true, &want},
		{"not a time", `,"token_expires_at":"soon"`, false, nil},
		{"a number", `,"token_expires_at":42`, false, nil},
	} {
		var d RunnerDetails
		if err := json.Unmarshal([]byte(base+tc.field+`}`), &d); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := d.TokenExpiresAt
		if got.Known != tc.known || (got.At == nil) != (tc.at == nil) || (got.At != nil && !got.At.Equal(*tc.at)) {
			t.Errorf("%s: TokenExpiresAt = %+v, want known=%v at=%v", tc.name, got, tc.known, tc.at)
		}
		if d.ID != 7 || d.Description == nil || *d.Description != "ci" {
			t.Errorf("%s: the rest of the answer was not decoded: %+v", tc.name, d)
		}
	}
}

// graphQLServer answers POST <prefix>/api/graphql with answer (status, body)
// after checking the request is the client's token-expiry query.
func graphQLServer(t *testing.T, prefix string, answer func(n int32) (int, string)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != prefix+"/api/graphql" {
			t.Errorf("request %s %s, want POST %s/api/graphql", r.Method, r.URL.Path, prefix)
		}
		if r.Header.Get("PRIVATE-TOKEN") == "" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers: PRIVATE-TOKEN set %v, Content-Type %q", r.Header.Get("PRIVATE-TOKEN") != "", r.Header.Get("Content-Type"))
		}
		var body struct {
			Query     string            `json:"query"`
			Variables map[string]string `json:"variables"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil {
			t.Errorf("body %s: %v", b, err)
		}
		if !strings.Contains(body.Query, "runner(id: $id)") || !strings.Contains(body.Query, "tokenExpiresAt") ||
			body.Variables["id"] != "gid://gitlab/Ci::Runner/42" {
			t.Errorf("unexpected query %q with variables %v", body.Query, body.Variables)
		}
		status, out := answer(n)
		writeJSON(w, status, out)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestRunnerTokenExpiry(t *testing.T) {
	at := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   TokenExpiry
		err    string // substring of the error; "" = success
		is     error
	}{
		{"expiry", 200, `{"data":{"runner":{"id":"gid://gitlab/Ci::Runner/42","tokenExpiresAt":"2026-02-01T12:00:00Z"}}}`,
			TokenExpiry{Known: true, At: &at}, "", nil},
		{"expiry in the instance's time zone", 200, `{"data":{"runner":{"id":"gid://gitlab/Ci::Runner/42","tokenExpiresAt":"2026-02-01T13:00:00+01:00"}}}`,
			TokenExpiry{Known: true, At: &at}, "", nil},
		{"no expiry", 200, `{"data":{"runner":{"id":"gid://gitlab/Ci::Runner/42","tokenExpiresAt":null}}}`,
			TokenExpiry{Known: true}, "", nil},
		{"unknown or unreadable runner", 200, `{"data":{"runner":null}}`, TokenExpiry{}, "read_runner", ErrNotFound},
		{"GraphQL errors", 200, `{"errors":[{"message":"Field 'tokenExpiresAt' doesn't exist on type 'CiRunner'","locations":[{"line":1,"column":60}]}],"data":null}`,
			TokenExpiry{}, "GraphQL error: Field 'tokenExpiresAt' doesn't exist on type 'CiRunner'", nil},
		{"field missing", 200, `{"data":{"runner":{"id":"gid://gitlab/Ci::Runner/42"}}}`, TokenExpiry{}, "no readable tokenExpiresAt", nil},
		{"another runner", 200, `{"data":{"runner":{"id":"gid://gitlab/Ci::Runner/43","tokenExpiresAt":null}}}`, TokenExpiry{}, "answered for", nil},
		{"token without api or read_api scope", 401, `{"errors":[{"message":"Invalid token"}]}`, TokenExpiry{}, "401 Unauthorized: Invalid token", ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := graphQLServer(t, "", func(int32) (int, string) { return tc.status, tc.body })
			c := newTestClient(t, srv.URL, nil)
			got, err := c.RunnerTokenExpiry(t.Context(), 42)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if got.Known != tc.want.Known || (got.At == nil) != (tc.want.At == nil) || (got.At != nil && !got.At.Equal(*tc.want.At)) {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not match %v", err, tc.is)
			}
		})
	}
}

// TestRunnerTokenExpiryPathAndRetry: GraphQL lives at <instance>/api/graphql,
// also for relative-root installs, and a query is retried like a GET.
func TestRunnerTokenExpiryPathAndRetry(t *testing.T) {
	srv, calls := graphQLServer(t, "/gitlab", func(n int32) (int, string) {
		if n == 1 {
			return 502, `<html><title>502 Bad Gateway</title></html>`
		}
		return 200, `{"data":{"runner":{"id":"gid://gitlab/Ci::Runner/42","tokenExpiresAt":null}}}`
	})
	c := newTestClient(t, srv.URL+"/gitlab/api/v4", nil)
	got, err := c.RunnerTokenExpiry(t.Context(), 42)
	if err != nil || !got.Known || got.At != nil {
		t.Fatalf("got %+v, %v", got, err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (one retry after the 502)", n)
	}
}

// TestGraphQLErrorsMasked: a GraphQL message quoting a token does not carry
// it into the error.
func TestGraphQLErrorsMasked(t *testing.T) {
	const secret = "glrt-t2_SecretSecretSecret12"
	srv, _ := graphQLServer(t, "", func(int32) (int, string) {
		return 200, `{"errors":[{"message":"bad value ` + secret + `"}]}`
	})
	c := newTestClient(t, srv.URL, nil)
	_, err := c.RunnerTokenExpiry(t.Context(), 42)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error %v must exist and not quote the token", err)
	}
}
