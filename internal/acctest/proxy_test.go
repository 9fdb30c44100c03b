package acctest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testwait"
)

func TestProxyHoldAnswers(t *testing.T) {
	var served atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = io.WriteString(w, r.Method+" "+r.URL.Path)
	}))
	t.Cleanup(target.Close)
	p := StartProxy(t, target.URL)
	p.HoldAnswers(http.MethodPost, "/api/v4/user/runners")

	call := func(ctx context.Context, method, path string) (string, error) {
		req, err := http.NewRequestWithContext(ctx, method, p.URL+path, strings.NewReader("{}"))
		if err != nil {
			return "", err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}

	// Another route passes while the answers to the held one wait.
	if got, err := call(context.Background(), http.MethodGet, "/api/v4/user/runners"); err != nil || got != "GET /api/v4/user/runners" {
		t.Fatalf("GET while POST answers are held: %q, %v", got, err)
	}

	// A client that leaves never gets the answer, though the target served it.
	ctx, cancel := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() { _, err := call(ctx, http.MethodPost, "/api/v4/user/runners"); left <- err }()
	testwait.Until(t, 5*time.Second, "an answer held", func() bool { return p.AnswersHeld() == 1 })
	if served.Load() != 2 {
		t.Fatalf("target served %d requests, want 2: the held request must reach it", served.Load())
	}
	cancel()
	if err := <-left; err == nil {
		t.Fatal("the client that left got an answer")
	}
	testwait.Until(t, 5*time.Second, "the held answer dropped", func() bool { return p.AnswersHeld() == 0 })

	// A client that waits gets the answer on Release.
	got := make(chan string, 1)
	go func() { s, _ := call(context.Background(), http.MethodPost, "/api/v4/user/runners"); got <- s }()
	testwait.Until(t, 5*time.Second, "an answer held", func() bool { return p.AnswersHeld() == 1 })
	select {
	case s := <-got:
		t.Fatalf("answer %q passed before Release", s)
	case <-time.After(50 * time.Millisecond):
	}
	p.Release()
	if s := <-got; s != "POST /api/v4/user/runners" {
		t.Fatalf("answer after Release: %q", s)
	}
	if s, err := call(context.Background(), http.MethodPost, "/api/v4/user/runners"); err != nil || s != "POST /api/v4/user/runners" {
		t.Fatalf("after Release answers pass: %q, %v", s, err)
	}
}

// Held requests reach the target at Release, also when their client has
// left; answers are re-dated by Redate.
func TestProxyHoldRequestsAndRedate(t *testing.T) {
	var served atomic.Int32
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Date", date.Format(http.TimeFormat))
		_, _ = io.WriteString(w, r.Method+" "+r.URL.Path)
	}))
	t.Cleanup(target.Close)
	p := StartProxy(t, target.URL)
	p.Redate = 15 * time.Minute
	p.HoldRequests(http.MethodPost, "/api/v4/user/")

	resp, err := http.Get(p.URL + "/api/v4/user/runners")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got, _ := http.ParseTime(resp.Header.Get("Date")); !got.Equal(date.Add(15 * time.Minute)) {
		t.Errorf("Date %q, want 15 minutes after the target's", resp.Header.Get("Date"))
	}

	ctx, cancel := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/api/v4/user/runners", strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		left <- err
	}()
	testwait.Until(t, 5*time.Second, "a request held", func() bool { return p.RequestsHeld() == 1 })
	cancel()
	if err := <-left; err == nil {
		t.Fatal("the held request got an answer before Release")
	}
	if served.Load() != 1 {
		t.Fatalf("target served %d requests before Release, want 1 (the GET)", served.Load())
	}
	p.Release()
	testwait.Until(t, 5*time.Second, "the held request forwarded although its client left", func() bool { return served.Load() == 2 })
}
