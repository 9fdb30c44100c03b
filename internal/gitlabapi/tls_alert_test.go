package gitlabapi

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A server that refuses the TLS handshake (here: no client certificate)
// never saw the request: the create is neither retried nor reported as
// possibly applied, and the error says what the server refused.
func TestTLSHandshakeRefusedIsPermanentAndNotApplied(t *testing.T) {
	var handled atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled.Add(1)
		writeJSON(w, 201, `{"id":1,"token":"glrt-t2_0123456789abcdefghij"}`)
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert, MinVersion: tls.VersionTLS13}
	srv.StartTLS()
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.CACertFile = writeCAFile(t, srv) })
	attempts := countAttempts(c)

	gid := int64(5)
	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: &gid})
	if err == nil {
		t.Fatal("CreateUserRunner succeeded without a client certificate")
	}
	if errors.Is(err, ErrMaybeApplied) || strings.Contains(err.Error(), "may have been applied") {
		t.Errorf("error %q claims the refused request may have been applied", err)
	}
	if !strings.Contains(err.Error(), "certificate required") {
		t.Errorf("error %q does not say that a client certificate is required", err)
	}
	if handled.Load() != 0 || attempts.Load() != 1 {
		t.Errorf("handled %d, attempts %d: want 0 and 1 (a refused handshake does not heal)", handled.Load(), attempts.Load())
	}

	if _, err := c.GetRunner(t.Context(), 1); err == nil || attempts.Load() != 2 {
		t.Errorf("GetRunner: err %v after %d attempts in all, want an error after one more attempt", err, attempts.Load())
	}
}
