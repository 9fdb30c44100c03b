package acctest

// The front: in live mode, the provider of each test talks to GitLab through
// a proxy of its own, which
//
//   - refuses (and fails the test for) a runner, runner controller or
//     controller token created or renamed without the test's prefix, and a
//     change of instance, group or project settings by a test that did not
//     declare it (WithSettingsChanges): whatever a live test creates, the
//     cleanup and the sweeper can find, and whatever it changes, it restores;
//   - injects the test's faults (GitLab.Faults) and counts its requests
//     (GitLab.Stats) as the mock coordinator does, so that the tests of
//     failures and of request counts run against any GitLab;
//   - finishes a request whose client left, as GitLab does.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/api"
)

type front struct {
	t        testing.TB
	upstream *url.URL
	client   *http.Client
	prefix   string
	settings bool // the test may change settings
	faults   *mockcoordinator.Faults
	stats    *mockcoordinator.Stats
	latency  time.Duration // WithLatency: added to every request
	url      string
	ca       *mockcoordinator.CA // with TLS (WithTLS, WithClientCerts)
	caFile   string
}

// newFront is the front of one test before baseURL, not serving yet.
func newFront(t testing.TB, baseURL, prefix string, settings bool) *front {
	t.Helper()
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatalf("acctest: %s=%q: %v", BaseURLEnv, baseURL, err)
	}
	return &front{
		t: t, upstream: u, prefix: prefix, settings: settings,
		faults: mockcoordinator.NewFaults(), stats: mockcoordinator.NewStats(nil),
		client: &http.Client{
			// Redirects go back to the client, as GitLab sent them.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// startFront starts the front of one test before baseURL; the test's cleanup
// stops it.
func startFront(t testing.TB, baseURL, prefix string, settings bool) *front {
	t.Helper()
	f := newFront(t, baseURL, prefix, settings)
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

// startTLSFront is startFront serving HTTPS with a CA of its own, asking for
// client certificates as mode says (what WithTLS and WithClientCerts make of
// the mock, in front of any GitLab).
func startTLSFront(t testing.TB, baseURL, prefix string, settings bool, mode mockcoordinator.ClientCertMode) *front {
	t.Helper()
	f := newFront(t, baseURL, prefix, settings)
	var err error
	if f.ca, err = mockcoordinator.NewCA(); err != nil {
		t.Fatalf("acctest: the front's CA: %v", err)
	}
	cfg, err := f.ca.ServerTLSConfig(mode)
	if err != nil {
		t.Fatalf("acctest: the front's TLS: %v", err)
	}
	f.caFile = filepath.Join(t.TempDir(), mockcoordinator.CAFileName)
	if err := os.WriteFile(f.caFile, f.ca.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

func (f *front) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client left while sending: nothing reached GitLab
	}
	route := api.MatchRoute(r.Method, r.URL.Path)
	if err := guard(r, body, f.prefix, f.settings); err != nil {
		f.t.Errorf("live mode: refused %s %s: %v", r.Method, r.URL.Path, err)
		writeJSONMessage(w, http.StatusBadRequest, "400 Bad request - live mode refused the request: "+err.Error())
		f.stats.Record(mockcoordinator.LogEntry{Time: start, Method: r.Method, Path: r.URL.Path, Route: route,
			Status: http.StatusBadRequest, Duration: time.Since(start), Fault: "live-guard"})
		return
	}
	if f.latency > 0 {
		select {
		case <-time.After(f.latency):
		case <-r.Context().Done():
			return
		}
	}
	rec := &frontRecorder{ResponseWriter: w}
	fault, drop := f.faults.Serve(rec, r, route, func(w http.ResponseWriter) { f.forward(w, r, body) })
	status := rec.status
	if drop {
		status = 0
	}
	f.stats.Record(mockcoordinator.LogEntry{Time: start, Method: r.Method, Path: r.URL.Path, Route: route,
		Status: status, Duration: time.Since(start), Fault: fault, ClientCert: clientCertName(r)})
	if drop {
		dropClient(w)
	}
}

// forward sends the request to GitLab and writes its answer to w. It runs
// to its end whatever the client does, as GitLab finishes a request whose
// client went away.
func (f *front) forward(w http.ResponseWriter, r *http.Request, body []byte) {
	u := *f.upstream
	u.Path = strings.TrimRight(f.upstream.Path, "/") + r.URL.Path
	u.RawPath, u.RawQuery = "", r.URL.RawQuery
	out, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		writeJSONMessage(w, http.StatusBadGateway, err.Error())
		return
	}
	out.Header = r.Header.Clone()
	// Plain answers: a test's Proxy may read and rewrite them.
	out.Header.Del("Accept-Encoding")
	resp, err := f.client.Do(out)
	if err != nil {
		// GitLab dropped the connection: do the same where possible.
		if conn, _, herr := http.NewResponseController(w).Hijack(); herr == nil {
			_ = conn.Close()
			return
		}
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	for k, vs := range resp.Header {
		if k != "Content-Length" && k != "Transfer-Encoding" && k != "Connection" {
			w.Header()[k] = vs
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer) // a client that left gets nothing
}

// clientCertName is the common name of a verified client certificate.
func clientCertName(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	return r.TLS.PeerCertificates[0].Subject.CommonName
}

// writeJSONMessage answers {"message": msg} as GitLab's errors do.
func writeJSONMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// frontRecorder remembers the status written through it.
type frontRecorder struct {
	http.ResponseWriter
	status int
}

func (r *frontRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *frontRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *frontRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// The requests the guard looks at, by method and path (under /api/v4).
var (
	markedCreates = []guardedRoute{
		{http.MethodPost, regexp.MustCompile(`^/user/runners$`), "a runner"},
		{http.MethodPost, regexp.MustCompile(`^/runners$`), "a runner (registration token)"},
		{http.MethodPost, regexp.MustCompile(`^/runner_controllers$`), "a runner controller"},
		{http.MethodPost, regexp.MustCompile(`^/runner_controllers/[^/]+/tokens$`), "a runner controller token"},
	}
	markedUpdates = []guardedRoute{
		{http.MethodPut, regexp.MustCompile(`^/runners/[^/]+$`), "a runner"},
		{http.MethodPut, regexp.MustCompile(`^/runner_controllers/[^/]+$`), "a runner controller"},
	}
	settingsChanges = []guardedRoute{
		{http.MethodPut, regexp.MustCompile(`^/application/settings$`), "the instance's settings"},
		{http.MethodPut, regexp.MustCompile(`^/groups/[^/]+$`), "a group's settings"},
		{http.MethodPut, regexp.MustCompile(`^/projects/[^/]+$`), "a project's settings"},
	}
)

type guardedRoute struct {
	method string
	path   *regexp.Regexp
	what   string
}

func (g guardedRoute) matches(method, path string) bool {
	return g.method == method && g.path.MatchString(path)
}

// guard refuses what a live test may not send: a create without the test's
// prefix in the description, a rename that drops it, and a settings change
// the test did not declare.
func guard(r *http.Request, body []byte, prefix string, mayChangeSettings bool) error {
	path, ok := strings.CutPrefix(r.URL.Path, "/api/v4")
	if !ok {
		if r.Method == http.MethodPost && r.URL.Path == "/api/graphql" && !mayChangeSettings && isGraphQLMutation(body) {
			return fmt.Errorf("a GraphQL mutation from a test that did not declare acctest.WithSettingsChanges()")
		}
		return nil
	}
	params := requestParams(r, body)
	for _, g := range markedCreates {
		if g.matches(r.Method, path) {
			if d, _ := params["description"].(string); !strings.HasPrefix(d, prefix) {
				return fmt.Errorf("%s created with the description %q, which does not start with the test's prefix %q (use GitLab.Name)", g.what, d, prefix)
			}
			return nil
		}
	}
	for _, g := range markedUpdates {
		if g.matches(r.Method, path) {
			if v, set := params["description"]; set {
				if d, _ := v.(string); !strings.HasPrefix(d, prefix) {
					return fmt.Errorf("%s renamed to %q, which does not start with the test's prefix %q (use GitLab.Name)", g.what, d, prefix)
				}
			}
			return nil
		}
	}
	for _, g := range settingsChanges {
		if g.matches(r.Method, path) && !mayChangeSettings {
			return fmt.Errorf("a change of %s from a test that did not declare acctest.WithSettingsChanges() (which restores them and runs the test alone)", g.what)
		}
	}
	return nil
}

// requestParams are the request's parameters as Grape reads them: the JSON
// object of the body, else its form fields, and the query string.
func requestParams(r *http.Request, body []byte) map[string]any {
	params := map[string]any{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return params
	}
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil {
		for k, v := range obj {
			params[k] = v
		}
		return params
	}
	if form, err := url.ParseQuery(string(body)); err == nil {
		for k, v := range form {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
	}
	return params
}

// isGraphQLMutation tells a GraphQL mutation (which may change settings)
// from a query (which the provider sends to read a token's expiry).
func isGraphQLMutation(body []byte) bool {
	var req struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(body, &req) != nil {
		return false
	}
	return strings.HasPrefix(strings.TrimSpace(req.Query), "mutation")
}
