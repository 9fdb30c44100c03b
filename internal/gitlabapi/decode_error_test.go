package gitlabapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeErrorBodyShapes(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   string
		fields map[string][]string
	}{
		{"grape error", 400, `{"error":"runner_type is missing, runner_type does not have a valid value"}`,
			"runner_type is missing, runner_type does not have a valid value", nil},
		{"oauth error with description", 403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`,
			"insufficient_scope: The request requires higher privileges than provided by the access token. (required scope: api)", nil},
		{"message string", 404, `{"message":"404 Runner Not Found"}`, "404 Runner Not Found", nil},
		{"message attribute map", 400, `{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`,
			"maximum_timeout needs to be at least 10 minutes",
			map[string][]string{"maximum_timeout": {"needs to be at least 10 minutes"}}},
		{"message attribute map, several", 400, `{"message":{"tags_list":["can not be empty when runner is not allowed to pick untagged jobs"],"description":["is too long","is weird"],"base":["General problem"]}}`,
			"General problem; description is too long; description is weird; tags_list can not be empty when runner is not allowed to pick untagged jobs",
			map[string][]string{"tags_list": {"can not be empty when runner is not allowed to pick untagged jobs"}, "description": {"is too long", "is weird"}, "base": {"General problem"}}},
		{"message array", 400, `{"message":["first problem","second problem"]}`, "first problem; second problem", nil},
		{"graphql errors", 401, `{"errors":[{"message":"Invalid token"}]}`, "Invalid token", nil},
		{"graphql errors, several", 422, `{"errors":[{"message":"Variable $id is invalid","locations":[{"line":1,"column":2}]},{"message":"Query too large"}]}`,
			"Variable $id is invalid; Query too large", nil},
		{"plain text", 502, "  Bad Gateway from the proxy\n", "Bad Gateway from the proxy", nil},
		{"html page", 502, "<html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
			"502 Bad Gateway nginx", nil},
		{"empty body", 503, "", "Service Unavailable", nil},
		{"whitespace body", 500, " \n\t ", "Internal Server Error", nil},
		{"json without a message", 500, `{"foo":1}`, `{"foo":1}`, nil},
		{"invalid json", 400, `{"message":`, `{"message":`, nil},
		{"top-level string", 400, `"just a string"`, "just a string", nil},
		{"message null", 400, `{"message":null,"error":"x"}`, "x", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg, fields := decodeErrorBody(tc.status, []byte(tc.body))
			if msg != tc.want {
				t.Errorf("message = %q, want %q", msg, tc.want)
			}
			if !reflect.DeepEqual(fields, tc.fields) {
				t.Errorf("fields = %#v, want %#v", fields, tc.fields)
			}
		})
	}
}

func TestDecodeErrorBodyTruncates(t *testing.T) {
	body := strings.Repeat("é", 2000) // multi-byte, so a naive cut would split a rune
	msg, _ := decodeErrorBody(500, []byte(body))
	if len(msg) > maxMessageLen+len("… (truncated)") {
		t.Errorf("message not truncated: %d bytes", len(msg))
	}
	if !strings.HasSuffix(msg, "(truncated)") || !utf8.ValidString(msg) {
		t.Errorf("bad truncation: %q", msg[len(msg)-40:])
	}
}

func TestErrorStringAndSentinels(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string
		is     error
	}{
		{400, `{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`, "PUT /runners/12: 400 Bad Request: maximum_timeout needs to be at least 10 minutes", ErrBadRequest},
		{401, `{"message":"401 Unauthorized"}`, "PUT /runners/12: 401 Unauthorized", ErrUnauthorized},
		{403, `{"message":"403 Forbidden - No access granted"}`, "PUT /runners/12: 403 Forbidden: No access granted", ErrForbidden},
		{404, `{"message":"404 Runner Not Found"}`, "PUT /runners/12: 404 Not Found: Runner Not Found", ErrNotFound},
		{410, `{"message":"410 Gone - runner registration disallowed"}`, "PUT /runners/12: 410 Gone: runner registration disallowed", ErrGone},
		{429, `Retry later`, "PUT /runners/12: 429 Too Many Requests: Retry later", ErrRateLimited},
		{500, ``, "PUT /runners/12: 500 Internal Server Error", ErrServerError},
		{503, `<html><title>Down</title></html>`, "PUT /runners/12: 503 Service Unavailable: Down", ErrServerError},
	}
	all := []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrGone, ErrRateLimited, ErrServerError, ErrMaybeApplied}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Retries = 0 })
		_, err := c.UpdateRunner(t.Context(), 12, UpdateRunnerOptions{RunnerAttributes: RunnerAttributes{Description: new("x")}})
		srv.Close()
		var apiErr *Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("status %d: want *Error, got %T %v", tc.status, err, err)
		}
		if apiErr.StatusCode != tc.status || apiErr.Method != "PUT" || apiErr.Path != "/runners/12" {
			t.Errorf("status %d: fields = %+v", tc.status, apiErr)
		}
		if err.Error() != tc.want {
			t.Errorf("status %d: Error() = %q, want %q", tc.status, err.Error(), tc.want)
		}
		for _, s := range all {
			if got := errors.Is(err, s); got != (s == tc.is) {
				t.Errorf("status %d: errors.Is(err, %v) = %v", tc.status, s, got)
			}
		}
	}
}

func TestGetRunnerNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v4/runners/77" || r.Method != http.MethodGet {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		writeJSON(w, 404, `{"message":"404 Runner Not Found"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	attempts := countAttempts(c)
	_, err := c.GetRunner(t.Context(), 77)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	if attempts.Load() != 1 {
		t.Errorf("404 must not be retried; attempts = %d", attempts.Load())
	}
}

// FuzzDecodeError checks the error decoder never panics and always yields a
// bounded, valid UTF-8, single-line message. The seed corpus lives in
// testdata/fuzz/FuzzDecodeError and runs with every `go test`.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, []byte(`{"error":"runner_type is missing"}`))
	f.Add(400, []byte(`{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}`))
	f.Add(404, []byte(`{"message":"404 Runner Not Found"}`))
	f.Add(502, []byte(`<html><title>x</title></html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		msg, fields := decodeErrorBody(status, body)
		if len(msg) > maxMessageLen+len("… (truncated)") {
			t.Fatalf("message too long: %d", len(msg))
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("invalid UTF-8 message %q", msg)
		}
		if strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("multi-line message %q", msg)
		}
		for k := range fields {
			_ = k
		}
		e := &Error{StatusCode: status, Method: "GET", Path: "/x", Message: msg, Fields: fields}
		_ = e.Error()
		_ = errors.Is(e, ErrNotFound)
	})
}

func TestErrorReason(t *testing.T) {
	for _, c := range []struct {
		status int
		msg    string
		want   string
	}{
		{403, "403 Forbidden - Insufficient permissions", "Insufficient permissions"},
		{404, "404 Runner Not Found", "Runner Not Found"},
		{400, "400 Bad request - Missing/invalid group", "Missing/invalid group"},
		{400, "maximum_timeout needs to be at least 10 minutes", "maximum_timeout needs to be at least 10 minutes"},
		{403, "403 Forbidden", ""},
		{503, "Service Unavailable", ""},
		{404, "404", ""},
		{500, "", ""},
	} {
		if got := (&Error{StatusCode: c.status, Message: c.msg}).Reason(); got != c.want {
			t.Errorf("Reason of %d %q = %q, want %q", c.status, c.msg, got, c.want)
		}
	}
}
