package gitlabapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// Assigning a runner is retried like an idempotent call (GitLab answers a
// repeat with "already been taken"), but when it fails after an attempt may
// have reached GitLab its error matches ErrMaybeApplied, so that the caller
// reads the runner back instead of forgetting an assignment GitLab made. A
// refusal GitLab answered at once, and a server never reached, do not.
func TestAssignFailureAfterReachingGitLabIsMaybeApplied(t *testing.T) {
	const alreadyTaken = `{"message":"Assign to Validation failed: Runner projects runner has already been taken - runner_error"}`
	cases := map[string]struct {
		answer func(t *testing.T, w http.ResponseWriter, r *http.Request, attempt int32)
		maybe  bool
	}{
		"5xx on every attempt (applied, then 502)": {func(_ *testing.T, w http.ResponseWriter, _ *http.Request, _ int32) {
			writeJSON(w, 502, `<html>502 Bad Gateway</html>`)
		}, true},
		"dropped, then 503": {func(t *testing.T, w http.ResponseWriter, r *http.Request, n int32) {
			if n == 1 {
				hijackClose(t, w, r)
				return
			}
			writeJSON(w, 503, `{"message":"503 Service Unavailable"}`)
		}, true},
		"500, then 429 until retries run out": {func(_ *testing.T, w http.ResponseWriter, _ *http.Request, n int32) {
			if n == 1 {
				writeJSON(w, 500, `{"message":"500 Internal Server Error"}`)
				return
			}
			w.Header().Set("Retry-After", "0")
			writeJSON(w, 429, `{"message":"Retry later"}`)
		}, true},
		"a 201 that cannot be read": {func(_ *testing.T, w http.ResponseWriter, _ *http.Request, _ int32) {
			writeJSON(w, 201, `{"id":12,"runner_`)
		}, true},
		"refused at once (403)": {func(_ *testing.T, w http.ResponseWriter, _ *http.Request, _ int32) {
			writeJSON(w, 403, `{"message":"403 Forbidden"}`)
		}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var attempts atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.answer(t, w, r, attempts.Add(1))
			}))
			defer srv.Close()
			_, err := newTestClient(t, srv.URL, nil).AssignRunnerToProject(t.Context(), 7, 12)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, ErrMaybeApplied); got != tc.maybe {
				t.Errorf("errors.Is(%q, ErrMaybeApplied) = %v, want %v", err, got, tc.maybe)
			}
		})
	}

	t.Run("a lost answer, then already taken", func(t *testing.T) {
		var attempts atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if attempts.Add(1) == 1 {
				writeJSON(w, 502, `{"message":"502 Bad Gateway"}`)
				return
			}
			writeJSON(w, 400, alreadyTaken)
		}))
		defer srv.Close()
		if _, err := newTestClient(t, srv.URL, nil).AssignRunnerToProject(t.Context(), 7, 12); !IsAlreadyAssigned(err) {
			t.Errorf("%v; want GitLab's \"already been taken\", which the caller reads as done", err)
		}
	})

	t.Run("interrupted while GitLab holds the answer", func(t *testing.T) {
		arrived, release := make(chan struct{}), make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-release
		}))
		defer srv.Close()
		defer close(release)
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-arrived; cancel() }()
		_, err := newTestClient(t, srv.URL, nil).AssignRunnerToProject(ctx, 7, 12)
		if !errors.Is(err, ErrMaybeApplied) {
			t.Errorf("%v; want ErrMaybeApplied: GitLab had the request", err)
		}
	})

	t.Run("no server", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c := newTestClient(t, url, func(cfg *Config) { cfg.TotalTimeout = 5 * time.Second })
		if _, err := c.AssignRunnerToProject(t.Context(), 7, 12); err == nil || errors.Is(err, ErrMaybeApplied) {
			t.Errorf("%v; want a failure that is not ErrMaybeApplied: nothing was sent", err)
		}
	})
}
