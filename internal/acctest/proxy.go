package acctest

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy stands between the provider and the mock coordinator, for tests of
// interruptions and hostile answers:
//
//   - a request it has forwarded runs to its end on the mock even when the
//     client leaves (Ctrl-C, a killed provider), as GitLab finishes a
//     request whose client went away — the mock alone stops serving it;
//   - Rewrite, when set, may change an answer before the client gets it;
//   - Hold stops forwarding: new requests wait (and are dropped if their
//     client leaves) until Release;
//   - HoldAnswers keeps the mock's answers to one route from the client:
//     GitLab has done the work, the client waits (and never learns the
//     answer if it leaves first) until Release;
//   - HoldRequests keeps the requests to a route from the mock until
//     Release, and forwards them then even if their client has left: GitLab
//     applies them late;
//   - Redate moves the Date header of every answer.
type Proxy struct {
	// URL is the proxy's base URL, to use as base_url.
	URL string
	// Rewrite, when set, returns the status and body the client gets for an
	// answer of the mock (set it before the first request).
	Rewrite func(r *http.Request, status int, body []byte) (int, []byte)
	// Redate, when not zero, moves the Date header of every answer by that
	// much: a hop that re-dates GitLab's answers, or GitLab's clock off
	// (set it before the first request).
	Redate time.Duration

	target     *url.URL
	client     *http.Client
	forwarding atomic.Int32

	mu      sync.Mutex
	held    chan struct{} // closed when not holding
	holding bool
	// answersTo is the route ("POST /api/v4/user/runners") whose answers
	// wait for answersReleased; empty when answers pass.
	answersTo       string
	answersReleased chan struct{}
	answersHeld     atomic.Int32
	// requestsTo is the method and path prefix of the requests that wait
	// for requestsReleased; empty when requests pass.
	requestsTo       [2]string
	requestsReleased chan struct{}
	requestsHeld     atomic.Int32
}

// StartProxy starts a Proxy in front of target (the mock's URL); the test's
// cleanup stops it.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("acctest: proxy target %q: %v", target, err)
	}
	p := &Proxy{target: u, client: &http.Client{}, held: make(chan struct{})}
	close(p.held)
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	// Release first: Close waits for the handlers, also the held ones.
	t.Cleanup(func() { p.Release(); srv.Close() })
	p.URL = srv.URL
	return p
}

// Hold makes the proxy stop forwarding: requests arriving from now on wait
// for Release, and are dropped unanswered if their client leaves first.
func (p *Proxy) Hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.holding {
		p.holding, p.held = true, make(chan struct{})
	}
}

// HoldAnswers makes the proxy keep the mock's answers to method and path
// (the request's path, "/api/v4/user/runners") from the client until
// Release: the mock has finished the request, the client waits, and a client
// that leaves first never gets the answer. Interrupt tests use it to catch
// requests half-way whatever the machine's load.
func (p *Proxy) HoldAnswers(method, path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.answersTo == "" {
		p.answersReleased = make(chan struct{})
	}
	p.answersTo = method + " " + path
}

// HoldRequests makes the requests with method whose path starts with
// prefix wait at the proxy until Release, which forwards them — also those
// whose client has left meanwhile, as GitLab still processes a request its
// front end has accepted. Interrupt tests use it to have GitLab apply
// requests after the provider gave up on them.
func (p *Proxy) HoldRequests(method, prefix string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.requestsTo[0] == "" {
		p.requestsReleased = make(chan struct{})
	}
	p.requestsTo = [2]string{method, prefix}
}

// RequestsHeld is the number of requests HoldRequests is keeping from the
// mock.
func (p *Proxy) RequestsHeld() int { return int(p.requestsHeld.Load()) }

// holdRequest waits while HoldRequests holds r, whatever its client does.
func (p *Proxy) holdRequest(r *http.Request) {
	p.mu.Lock()
	to, released := p.requestsTo, p.requestsReleased
	p.mu.Unlock()
	if to[0] == "" || r.Method != to[0] || !strings.HasPrefix(r.URL.Path, to[1]) {
		return
	}
	p.requestsHeld.Add(1)
	defer p.requestsHeld.Add(-1)
	<-released
}

// AnswersHeld is the number of answers HoldAnswers is keeping from clients
// that are still waiting for them.
func (p *Proxy) AnswersHeld() int { return int(p.answersHeld.Load()) }

// Release forwards the held requests and every later one, and passes the
// held answers on.
func (p *Proxy) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.holding {
		p.holding = false
		close(p.held)
	}
	if p.answersTo != "" {
		p.answersTo = ""
		close(p.answersReleased)
	}
	if p.requestsTo[0] != "" {
		p.requestsTo = [2]string{}
		close(p.requestsReleased)
	}
}

// holdAnswer waits while HoldAnswers holds the answer to r; false when the
// client left meanwhile.
func (p *Proxy) holdAnswer(r *http.Request) bool {
	p.mu.Lock()
	hold, released := p.answersTo == r.Method+" "+r.URL.Path, p.answersReleased
	p.mu.Unlock()
	if !hold {
		return true
	}
	p.answersHeld.Add(1)
	defer p.answersHeld.Add(-1)
	select {
	case <-released:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Forwarding is the number of requests forwarded to the mock whose answer
// has not been passed back yet.
func (p *Proxy) Forwarding() int { return int(p.forwarding.Load()) }

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client left while sending: nothing reached GitLab
	}
	p.holdRequest(r)
	p.mu.Lock()
	held := p.held
	p.mu.Unlock()
	select {
	case <-held: // not holding: forward, whether or not the client is still there
	default:
		select {
		case <-held:
		case <-r.Context().Done():
			return
		}
	}
	p.forwarding.Add(1)
	defer p.forwarding.Add(-1)

	u := *p.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	// Not the client's context: the mock finishes the request whatever the
	// client does.
	out, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	resp, err := p.client.Do(out)
	if err != nil {
		// The mock dropped the connection (a fault): do the same.
		dropClient(w)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		dropClient(w)
		return
	}
	if !p.holdAnswer(r) {
		return // the client left: GitLab did the work, nobody learns of it
	}
	status := resp.StatusCode
	if p.Rewrite != nil {
		status, answer = p.Rewrite(r, status, answer)
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil && p.Redate != 0 {
		w.Header().Set("Date", date.Add(p.Redate).Format(http.TimeFormat))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(status)
	_, _ = w.Write(answer) // a client that left gets nothing
}

// dropClient closes the client's connection without an answer.
func dropClient(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
