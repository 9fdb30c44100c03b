package gitlabapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stallFirst answers nothing to the first request (until the client gives
// up or the test ends) and then serves ok to the following ones.
func stallFirst(t *testing.T, ok func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-stop:
			}
			return
		}
		ok(w)
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv, &hits
}

func TestDefaultRequestTimeoutApplied(t *testing.T) {
	c := newTestClient(t, "https://gitlab.example.com", nil)
	if c.httpClient.Timeout != DefaultRequestTimeout {
		t.Errorf("default per-attempt timeout = %s, want %s", c.httpClient.Timeout, DefaultRequestTimeout)
	}
	c = newTestClient(t, "https://gitlab.example.com", func(cfg *Config) { cfg.RequestTimeout = -1 })
	if c.httpClient.Timeout != 0 {
		t.Errorf("negative RequestTimeout: timeout = %s, want none", c.httpClient.Timeout)
	}
}

// A GET whose answer never comes is abandoned after RequestTimeout and
// retried, instead of hanging forever.
func TestStalledGetTimesOutAndIsRetried(t *testing.T) {
	srv, hits := stallFirst(t, func(w http.ResponseWriter) { writeJSON(w, 200, runnerJSON) })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 200 * time.Millisecond })
	// Without a per-attempt timeout only this context would end the call.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	r, err := c.GetRunner(ctx, 12)
	if err != nil {
		t.Fatalf("GetRunner: %v", err)
	}
	if r.ID != 12 || hits.Load() != 2 {
		t.Errorf("id=%d hits=%d, want 12 and 2", r.ID, hits.Load())
	}
}

// A create whose answer never comes may have been applied: it is not
// retried and reports ErrMaybeApplied so that the caller reconciles.
func TestStalledCreateTimesOutAsMaybeApplied(t *testing.T) {
	srv, hits := stallFirst(t, func(w http.ResponseWriter) {
		writeJSON(w, 201, `{"id":1,"token":"glrt-t2_0123456789abcdefghij","token_expires_at":null}`)
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 200 * time.Millisecond })
	gid := int64(5)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	_, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: &gid})
	if err == nil {
		t.Fatal("CreateUserRunner succeeded; want a timeout")
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		t.Fatalf("only the caller's context ended the call: %v", err)
	}
	if !errors.Is(err, ErrMaybeApplied) {
		t.Errorf("error %q is not ErrMaybeApplied", err)
	}
	if !strings.Contains(err.Error(), "POST /user/runners") {
		t.Errorf("error %q does not name the request", err)
	}
	if hits.Load() != 1 {
		t.Errorf("the create was sent %d times, want 1 (never retried blindly)", hits.Load())
	}
}

// An answer that trickles in byte by byte (a slow loris) is cut by the
// per-attempt timeout, and the whole request by the total budget, with an
// error that names the budget.
func TestSlowLorisAnswerHitsTimeouts(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-stop:
				return
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.RequestTimeout = 300 * time.Millisecond
		cfg.TotalTimeout = time.Second
		cfg.Retries = 10
	})
	start := time.Now()
	_, err := c.GetRunner(t.Context(), 1)
	elapsed := time.Since(start)
	// A timeout, not a speed claim: without the limits the answer trickles
	// in for as long as the test runs.
	if err == nil || elapsed > time.Minute {
		t.Fatalf("err %v after %v: want a failure that the 1s budget ends", err, elapsed)
	}
	if !strings.Contains(err.Error(), "total_request_timeout (1s)") && !strings.Contains(err.Error(), "Client.Timeout") {
		t.Errorf("the error should say which limit ended it: %v", err)
	}
	t.Logf("slow loris: %v after %v", err, elapsed.Round(10*time.Millisecond))
}
