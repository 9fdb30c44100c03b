package mockcoordinator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// startTestServer starts a server on a free loopback port, closed at cleanup.
func startTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = store.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	if opts.LogWriter == nil {
		opts.LogWriter = io.Discard
	}
	s, err := NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

type apiResult struct {
	status int
	header http.Header
	body   []byte
}

// call sends one API request; path is relative to /api/v4. body, when not
// nil, is sent as JSON.
func call(t *testing.T, c *http.Client, s *Server, method, path, token string, body any) (apiResult, error) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL()+"/api/v4"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return apiResult{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return apiResult{}, err
	}
	return apiResult{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// mustCall is call that fails the test on a transport error.
func mustCall(t *testing.T, c *http.Client, s *Server, method, path, token string, body any) apiResult {
	t.Helper()
	r, err := call(t, c, s, method, path, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// createInstanceRunner asks for an instance runner as the admin.
func createInstanceRunner(t *testing.T, c *http.Client, s *Server, description string) (apiResult, error) {
	t.Helper()
	return call(t, c, s, "POST", "/user/runners", s.Seed().AdminToken,
		map[string]any{"runner_type": "instance_type", "description": description})
}

// verifyRunner is what `gitlab-runner register --token` sends; returns the status.
func verifyRunner(t *testing.T, c *http.Client, s *Server, token string) int {
	t.Helper()
	return mustCall(t, c, s, "POST", "/runners/verify", "", map[string]any{"token": token, "system_id": "s_0123456789ab"}).status
}

// newClient returns a client with its own connection pool.
func newClient(s *Server) *http.Client {
	base := s.HTTPClient().Transport.(*http.Transport).Clone()
	return &http.Client{Transport: base, Timeout: 20 * time.Second}
}

func runnerWithDescription(s *Server, desc string) (store.RunnerRecord, bool) {
	for _, id := range s.Store().RunnerIDs() {
		if r, ok := s.Store().Runner(id); ok && r.Description == desc {
			return r, true
		}
	}
	return store.RunnerRecord{}, false
}

func contains(b []byte, sub string) bool { return strings.Contains(string(b), sub) }

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
