package gitlabapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hijackClose drops the connection without answering, after the request
// (including its body) has been read.
func hijackClose(t *testing.T, w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	_ = conn.Close()
}

const runnerJSON = `{"id":12,"description":"d","active":true,"paused":false,"runner_type":"project_type","tag_list":["a"],"maximum_timeout":null,"contacted_at":null,"created_at":"2021-09-27T21:05:03.203Z"}`

func TestGetRetriedOn502(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			writeJSON(w, 502, `<html><title>502 Bad Gateway</title></html>`)
			return
		}
		writeJSON(w, 200, runnerJSON)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	r, err := c.GetRunner(t.Context(), 12)
	if err != nil {
		t.Fatalf("GetRunner: %v", err)
	}
	if r.ID != 12 || hits.Load() != 3 {
		t.Errorf("id=%d hits=%d, want 12 and 3", r.ID, hits.Load())
	}
}

func TestGetRetriedOnDroppedConnection(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			hijackClose(t, w, r)
			return
		}
		writeJSON(w, 200, runnerJSON)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	if _, err := c.GetRunner(t.Context(), 12); err != nil {
		t.Fatalf("GetRunner: %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("hits = %d, want 2", hits.Load())
	}
}

func TestPutAndDeleteRetriedOn503(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if hits.Add(1)%2 == 1 {
			w.WriteHeader(503)
			return
		}
		if r.Method == http.MethodPut && string(body) != `{"description":"new"}` {
			t.Errorf("replayed body = %q", body) // the body must survive a retry
		}
		if r.Method == http.MethodDelete {
			w.WriteHeader(204)
			return
		}
		writeJSON(w, 200, runnerJSON)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	if _, err := c.UpdateRunner(t.Context(), 12, UpdateRunnerOptions{RunnerAttributes: RunnerAttributes{Description: new("new")}}); err != nil {
		t.Fatalf("UpdateRunner: %v", err)
	}
	if err := c.DeleteRunner(t.Context(), 12); err != nil {
		t.Fatalf("DeleteRunner: %v", err)
	}
	if hits.Load() != 4 {
		t.Errorf("hits = %d, want 4", hits.Load())
	}
}

func TestPostNotRetriedOn502(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, 502, `{"message":"502 Bad Gateway"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)

	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, ErrMaybeApplied) || !errors.Is(err, ErrServerError) {
		t.Fatalf("want ErrMaybeApplied and ErrServerError, got %v", err)
	}
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("want *Error 502, got %#v", err)
	}
	_, err = c.ResetRunnerAuthenticationToken(t.Context(), 12)
	if !errors.Is(err, ErrMaybeApplied) {
		t.Fatalf("reset: want ErrMaybeApplied, got %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("hits = %d, want 2 (one per call, no retry)", hits.Load())
	}
}

func TestPostNotRetriedOnDroppedConnection(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		hijackClose(t, w, r)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, ErrMaybeApplied) {
		t.Fatalf("want ErrMaybeApplied, got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "POST /user/runners: ") {
		t.Errorf("error should name method and path: %q", err)
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d, want 1", hits.Load())
	}
}

func TestPostRetriedOn429HonoursRetryAfter(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"message":"429 Too Many Requests"}`)
			return
		}
		writeJSON(w, 201, `{"id":5,"token":"glrt-t1_abcdefghijklmnopqrst","token_expires_at":null}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMax = 5 * time.Second })
	start := time.Now()
	tok, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("CreateUserRunner: %v", err)
	}
	if tok.ID != 5 || hits.Load() != 2 {
		t.Errorf("id=%d hits=%d", tok.ID, hits.Load())
	}
	if elapsed < time.Second {
		t.Errorf("waited %v, want at least the server's Retry-After of 1s", elapsed)
	}
}

// A Retry-After longer than what is left of the total budget is not waited
// for: the call fails at once, naming the wait GitLab asked for.
func TestRetryAfterBeyondBudgetFailsAtOnce(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, 429, `{"message":"429 Too Many Requests"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.TotalTimeout = 2 * time.Minute })
	// Had it waited, the call would end after the 2m budget, with another
	// error: the one request and the error's words show it did not.
	_, err := c.GetVersion(t.Context())
	if !errors.Is(err, ErrRateLimited) || hits.Load() != 1 {
		t.Fatalf("want ErrRateLimited after 1 request, got %v after %d", err, hits.Load())
	}
	for _, want := range []string{"429", "GitLab asked to wait 1h0m0s", "total_request_timeout (2m0s)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should contain %q", err, want)
		}
	}
}

// A Retry-After within the budget is honoured in full, beyond RetryWaitMax:
// retrying sooner than GitLab asked only earns another 429.
func TestRetryAfterWithinBudgetHonoured(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		writeJSON(w, 200, `{"version":"17.4.1-ee","revision":"ceb07b24cb0","enterprise":true}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMax = 100 * time.Millisecond })
	start := time.Now()
	v, err := c.GetVersion(t.Context())
	if err != nil || v.Version != "17.4.1-ee" {
		t.Fatalf("GetVersion = %+v, %v", v, err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("waited %v, want the server's 1s", d)
	}
}

// The total budget ends a call whose attempts keep failing, with an error
// that names the setting. Each attempt takes at least 150 ms, so the 500 ms
// budget leaves room for at most 4 of the 101 that Retries allows; a busy
// machine makes fewer, never more.
func TestTotalTimeoutEndsRetries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		time.Sleep(150 * time.Millisecond)
		w.WriteHeader(502)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Retries = 100
		cfg.TotalTimeout = 500 * time.Millisecond
	})
	_, err := c.GetRunner(t.Context(), 1)
	if err == nil || !strings.Contains(err.Error(), "total_request_timeout (500ms)") {
		t.Errorf("error should name the budget: %v", err)
	}
	if n := hits.Load(); n < 1 || n > 4 {
		t.Errorf("hits = %d, want 1-4 within the budget", n)
	}
}

// An answer that arrives as the budget runs out ends the call with an error
// that names the budget, as a wait beyond it does (it used to be GitLab's
// 502 alone when the deadline passed between the answer and the decision).
func TestBudgetSpentAtAnswerNamesIt(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(cfg *Config) { cfg.TotalTimeout = 500 * time.Millisecond })
	deadline := time.Now().Add(-time.Millisecond)
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()
	st := &attemptState{method: http.MethodGet, path: "/runners/1", idempotent: true, deadline: deadline, attempt: 1}
	v := c.decide(ctx, st, &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}}, nil)
	if v.retry || !strings.Contains(v.giveUp, "total_request_timeout (500ms)") {
		t.Errorf("decide after the budget = %+v, want no retry and a reason that names total_request_timeout (500ms)", v)
	}
	// An answer the policy never retries says nothing about the budget.
	if v := c.decide(ctx, st, &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{}}, nil); v.retry || v.giveUp != "" {
		t.Errorf("decide of a 404 after the budget = %+v, want no retry and no reason", v)
	}
}

func TestRateLimitedErrorAfterRetriesExhausted(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "0")
		writeJSON(w, 429, `{"message":"429 Too Many Requests"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Retries = 2 })
	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeGroup, GroupID: new(int64(3))})
	if !errors.Is(err, ErrRateLimited) || errors.Is(err, ErrMaybeApplied) {
		t.Fatalf("want ErrRateLimited without ErrMaybeApplied, got %v", err)
	}
	if hits.Load() != 3 {
		t.Errorf("hits = %d, want 3 (1 + 2 retries)", hits.Load())
	}
}

// closedPortURL returns a URL on which nothing listens (connection refused).
func closedPortURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// A host that cannot be reached gets a few quick retries, not Retries: it
// rarely heals within a call, and the user should hear about it in seconds.
func TestUnreachableFailsInSeconds(t *testing.T) {
	for name, base := range map[string]string{
		"connection refused": closedPortURL(t),
		"no such host":       "https://no-such-host.invalid",
	} {
		c := newTestClient(t, base, func(cfg *Config) {
			cfg.Retries = 10
			cfg.RetryWaitMin = 250 * time.Millisecond
			cfg.RetryWaitMax = 30 * time.Second
		})
		attempts := countAttempts(c)
		_, err := c.GetVersion(t.Context())
		if err == nil {
			t.Fatalf("%s: want an error", name)
		}
		if n := attempts.Load(); n != unreachableRetries+1 {
			t.Errorf("%s: %d attempts, want %d", name, n, unreachableRetries+1)
		}
	}
}

// The waits between the attempts of a call that could not connect stay
// under unreachableWaitMax, whatever RetryWaitMax says: with the retries
// bounded too, such a call fails within seconds.
func TestUnreachableWaitsAreCapped(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(cfg *Config) {
		cfg.Retries = 10
		cfg.RetryWaitMin = 20 * time.Second
		cfg.RetryWaitMax = 30 * time.Second
	})
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for attempt := 1; attempt <= unreachableRetries+1; attempt++ {
		st := &attemptState{method: http.MethodGet, path: "/version", idempotent: true, attempt: attempt}
		v := c.decide(t.Context(), st, nil, refused)
		switch {
		case attempt <= unreachableRetries && (!v.retry || v.wait > unreachableWaitMax):
			t.Errorf("attempt %d: %+v, want a retry after at most %s", attempt, v, unreachableWaitMax)
		case attempt > unreachableRetries && v.retry:
			t.Errorf("attempt %d: %+v, want no more retries", attempt, v)
		}
	}
}

func TestPostRetriedOnDialError(t *testing.T) {
	c := newTestClient(t, closedPortURL(t), func(cfg *Config) { cfg.Retries = 2 })
	attempts := countAttempts(c)
	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if err == nil {
		t.Fatal("want an error")
	}
	if errors.Is(err, ErrMaybeApplied) {
		t.Errorf("a refused connection never reached the server, yet: %v", err)
	}
	if attempts.Load() != 3 {
		t.Errorf("attempts = %d, want 3 (dial errors are retried even for POST)", attempts.Load())
	}
	if !strings.Contains(err.Error(), "POST /user/runners") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("error = %q", err)
	}
}

func TestRetriesStopAtLimit(t *testing.T) {
	for _, retries := range []int{0, 1, 4} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.WriteHeader(500)
		}))
		c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Retries = retries })
		_, err := c.GetRunner(t.Context(), 1)
		srv.Close()
		if !errors.Is(err, ErrServerError) || errors.Is(err, ErrMaybeApplied) {
			t.Errorf("retries=%d: want ErrServerError (not MaybeApplied for a GET), got %v", retries, err)
		}
		if int(hits.Load()) != retries+1 {
			t.Errorf("retries=%d: hits = %d, want %d", retries, hits.Load(), retries+1)
		}
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(502)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Retries = 10
		cfg.RetryWaitMin = time.Hour
		cfg.RetryWaitMax = time.Hour
		cfg.TotalTimeout = 3 * time.Hour // the hour-long wait fits: the caller's deadline must end it
	})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetRunner(ctx, 1)
	// A timeout, not a speed claim: a wait the deadline did not stop lasts
	// an hour.
	if d := time.Since(start); d > time.Minute {
		t.Errorf("took %v; the deadline must stop the hour-long wait", d)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want context.DeadlineExceeded, got %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d, want 1", hits.Load())
	}

	// An already cancelled context makes no attempt that reaches the server.
	ctx2, cancel2 := context.WithCancel(t.Context())
	cancel2()
	_, err = c.CreateUserRunner(ctx2, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrMaybeApplied) {
		t.Errorf("cancelled: got %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d after a cancelled call", hits.Load())
	}
}

func TestPostTimeoutAfterSendIsMaybeApplied(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newTestClient(t, srv.URL, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := c.ResetRunnerAuthenticationToken(ctx, 3)
	if !errors.Is(err, ErrMaybeApplied) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want ErrMaybeApplied and DeadlineExceeded, got %v", err)
	}
}

func TestServerWait(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"seconds", map[string]string{"Retry-After": "7"}, 7 * time.Second, true},
		{"http date", map[string]string{"Retry-After": now.Add(30 * time.Second).Format(http.TimeFormat)}, 30 * time.Second, true},
		{"past date", map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{"ratelimit reset unix", map[string]string{"RateLimit-Reset": "1735787065"}, 20 * time.Second, true},
		{"ratelimit resettime", map[string]string{"RateLimit-ResetTime": now.Add(12 * time.Second).Format(http.TimeFormat)}, 12 * time.Second, true},
		{"retry-after wins", map[string]string{"Retry-After": "2", "RateLimit-Reset": "1735787065"}, 2 * time.Second, true},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0, false},
		{"huge", map[string]string{"Retry-After": "99999999999999999"}, secondsDuration(99999999999999999), true},
		{"none", nil, 0, false},
	}
	for _, tc := range cases {
		h := http.Header{}
		for k, v := range tc.header {
			h.Set(k, v)
		}
		got, ok := serverWait(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %v,%v want %v,%v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestJitteredBackoffBounds(t *testing.T) {
	minW, maxW := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt < 20; attempt++ {
		for i := 0; i < 50; i++ {
			d := jitteredBackoff(minW, maxW, attempt)
			if d < minW || d > maxW {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, minW, maxW)
			}
		}
	}
	// grows: the average at attempt 4 is well above the minimum
	var sum time.Duration
	for i := 0; i < 100; i++ {
		sum += jitteredBackoff(minW, maxW, 4)
	}
	if avg := sum / 100; avg < 600*time.Millisecond {
		t.Errorf("average wait at attempt 4 = %v, backoff does not grow", avg)
	}
}

// cutShort answers status with a Content-Length beyond the bytes it sends,
// then drops the connection: the status arrives, the whole answer does not.
func cutShort(t *testing.T, w http.ResponseWriter, status int, part string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "1000")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(part))
	w.(http.Flusher).Flush()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// A 2xx answer cut short is a failed attempt: a GET is retried, a create is
// not (GitLab applied it) and reports ErrMaybeApplied. An error status cut
// short is still the answer.
func TestAnswerCutShort(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		switch {
		case r.URL.Path == "/api/v4/runners/12" && n == 1:
			cutShort(t, w, 200, `{"id":12,`)
		case r.URL.Path == "/api/v4/runners/12":
			writeJSON(w, 200, runnerJSON)
		case r.URL.Path == "/api/v4/user/runners":
			cutShort(t, w, 201, `{"id":7,"token":"glrt-t1_abc`)
		default:
			cutShort(t, w, 404, `{"message":"404 Not`)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)

	if r, err := c.GetRunner(t.Context(), 12); err != nil || r.ID != 12 || hits.Load() != 2 {
		t.Fatalf("GET cut short then whole: %+v, %v after %d requests, want runner 12 after 2", r, err, hits.Load())
	}

	hits.Store(0)
	_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if !errors.Is(err, ErrMaybeApplied) || hits.Load() != 1 {
		t.Errorf("create cut short: %v after %d requests, want ErrMaybeApplied after 1", err, hits.Load())
	}
	if err != nil && !strings.Contains(err.Error(), "reading the 201 answer") {
		t.Errorf("create cut short: %q should say the answer was cut short", err)
	}

	hits.Store(0)
	_, err = c.GetRunner(t.Context(), 99)
	if !errors.Is(err, ErrNotFound) || hits.Load() != 1 {
		t.Errorf("404 cut short: %v after %d requests, want ErrNotFound after 1", err, hits.Load())
	}
}
