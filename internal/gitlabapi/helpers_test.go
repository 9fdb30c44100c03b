package gitlabapi

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// newTestClient builds a client for srvURL with fast retries; mutate may
// change the config first.
func newTestClient(t *testing.T, srvURL string, mutate func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:      srvURL,
		Token:        "glpat-test-user-token-0123456789",
		Retries:      3,
		RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 20 * time.Millisecond,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.httpClient.CloseIdleConnections)
	return c
}

// countAttempts counts the client's attempts (including ones that never
// reached a server) by wrapping its transport.
func countAttempts(c *Client) *atomic.Int32 {
	var n atomic.Int32
	c.httpClient.Transport = countingTransport{next: c.httpClient.Transport, n: &n}
	return &n
}

type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (t countingTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
