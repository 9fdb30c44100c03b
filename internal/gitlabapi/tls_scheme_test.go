package gitlabapi

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// An https:// base_url pointed at a server that does not speak TLS fails on
// the first attempt, however many retries are allowed, with an error that
// names the likely cause (the scheme, or a port that is not TLS); a create
// sent there is not "may have been applied": no request was ever sent.
func TestHTTPSToPlainServerFailsAtOnceNamingTheScheme(t *testing.T) {
	var handled atomic.Int32
	plainHTTP := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled.Add(1)
		writeJSON(w, 200, `{"id":1}`)
	}))
	defer plainHTTP.Close()
	notTLS := startBannerServer(t, "SSH-2.0-OpenSSH_9.6\r\n")

	for name, tc := range map[string]struct {
		addr string
		want []string
	}{
		"plain HTTP": {plainHTTP.Listener.Addr().String(), []string{"plain HTTP", "http://"}},
		"not TLS":    {notTLS, []string{"does not speak TLS", "http://", "port"}},
	} {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, "https://"+tc.addr, func(cfg *Config) { cfg.Retries = 10 })
			attempts := countAttempts(c)
			_, err := c.GetRunner(t.Context(), 1)
			if err == nil {
				t.Fatal("GetRunner over https:// to a server without TLS succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if n := attempts.Load(); n != 1 {
				t.Errorf("%d attempts, want 1: a server without TLS does not heal", n)
			}
			gid := int64(5)
			_, err = c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: &gid})
			if err == nil || errors.Is(err, ErrMaybeApplied) {
				t.Errorf("CreateUserRunner: %v; want a failure that is not \"may have been applied\"", err)
			}
			if n := attempts.Load(); n != 2 {
				t.Errorf("%d attempts in all, want 2", n)
			}
		})
	}
	if handled.Load() != 0 {
		t.Errorf("the plain HTTP server handled %d requests", handled.Load())
	}
}

// startBannerServer accepts TCP connections and writes banner on each (as an
// SSH server does), then closes them; it returns its address.
func startBannerServer(t *testing.T, banner string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = conn.Write([]byte(banner))
			_ = conn.Close()
		}
	}()
	return ln.Addr().String()
}
