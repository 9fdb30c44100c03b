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
