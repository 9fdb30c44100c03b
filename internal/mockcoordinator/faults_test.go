package mockcoordinator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testwait"
)

func TestFaultRateLimitAnswers429WithRetryAfter(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "GET /version", Kind: FaultRateLimit, RetryAfter: 2 * time.Second, Times: 1})

	before := time.Now().Unix()
	r := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("status = %d, want 429 (body %s)", r.status, r.body)
	}
	if got := r.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want \"2\"", got)
	}
	if got := r.header.Get("RateLimit-Remaining"); got != "0" {
		t.Errorf("RateLimit-Remaining = %q, want \"0\"", got)
	}
	reset, err := strconv.ParseInt(r.header.Get("RateLimit-Reset"), 10, 64)
	if err != nil || reset < before+2 {
		t.Errorf("RateLimit-Reset = %q, want a unix time >= now+2s", r.header.Get("RateLimit-Reset"))
	}
	if _, err := http.ParseTime(r.header.Get("RateLimit-ResetTime")); err != nil {
		t.Errorf("RateLimit-ResetTime = %q is not an HTTP date: %v", r.header.Get("RateLimit-ResetTime"), err)
	}
	var msg struct{ Message string }
	if err := json.Unmarshal(r.body, &msg); err != nil || msg.Message != "429 Too Many Requests" {
		t.Errorf("body = %s, want {\"message\":\"429 Too Many Requests\"}", r.body)
	}
	// Times: 1 — the next request goes through.
	if r := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil); r.status != http.StatusOK {
		t.Errorf("second request: status = %d, want 200", r.status)
	}
}

func TestFaultStatusDoesNotApply(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "POST /user/runners", Kind: FaultStatus, Status: 502})
	before := len(s.Store().RunnerIDs())

	r, err := createInstanceRunner(t, c, s, "status-fault")
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusBadGateway || !contains(r.body, `"502 Bad Gateway"`) {
		t.Fatalf("got %d %s, want 502 {\"message\":\"502 Bad Gateway\"}", r.status, r.body)
	}
	if after := len(s.Store().RunnerIDs()); after != before {
		t.Errorf("runner count %d -> %d: a plain status fault must not apply the change", before, after)
	}
	if s.Faults().Injected() != 1 {
		t.Errorf("Injected() = %d, want 1", s.Faults().Injected())
	}
}

func TestFaultApplyThenStatusCommitsTheChange(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "POST /user/runners", Kind: FaultApplyThenStatus, Times: 1})

	r, err := createInstanceRunner(t, c, s, "apply-then-502")
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusBadGateway {
		t.Fatalf("status = %d, want 502 (default of apply-then-status)", r.status)
	}
	if contains(r.body, "glrt-") {
		t.Errorf("the client must not see the minted token, got %s", r.body)
	}
	rec, ok := runnerWithDescription(s, "apply-then-502")
	if !ok {
		t.Fatal("the runner was not created although the fault applies the change")
	}
	if got := verifyRunner(t, c, s, rec.Token); got != http.StatusOK {
		t.Errorf("verify of the committed runner's token = %d, want 200", got)
	}
}

func TestFaultApplyThenDropCommitsTheChange(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "POST /user/runners", Kind: FaultApplyThenDrop, Times: 1})

	if r, err := createInstanceRunner(t, c, s, "apply-then-drop"); err == nil {
		t.Fatalf("want a connection error, got status %d", r.status)
	}
	if _, ok := runnerWithDescription(s, "apply-then-drop"); !ok {
		t.Fatal("the runner was not created although the fault applies the change")
	}
	assertLastLog(t, s, "POST /user/runners", 0, "apply-then-drop")
}

func TestFaultDropClosesWithoutAnswerOrChange(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "POST /user/runners", Kind: FaultDrop, Times: 1})
	before := len(s.Store().RunnerIDs())

	if r, err := createInstanceRunner(t, c, s, "drop"); err == nil {
		t.Fatalf("want a connection error, got status %d", r.status)
	}
	if after := len(s.Store().RunnerIDs()); after != before {
		t.Errorf("runner count %d -> %d: drop must not apply the change", before, after)
	}
	assertLastLog(t, s, "POST /user/runners", 0, "drop")
	// The server keeps serving.
	if r, err := createInstanceRunner(t, c, s, "after-drop"); err != nil || r.status != http.StatusCreated {
		t.Fatalf("request after the drop: %v %d", err, r.status)
	}
}

func TestFaultLatencyDelaysOnlyItsRoute(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	const delay = 200 * time.Millisecond
	s.Faults().Add(Fault{Route: "GET /version", Kind: FaultLatency, Latency: delay})

	start := time.Now()
	if r := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil); r.status != 200 {
		t.Fatalf("status = %d, want 200 (latency only delays)", r.status)
	}
	if el := time.Since(start); el < delay {
		t.Errorf("GET /version took %s, want >= %s", el, delay)
	}
	assertLastLog(t, s, "GET /version", 200, "latency")

	mustCall(t, c, s, "GET", "/metadata", s.Seed().AdminToken, nil)
	assertLastLog(t, s, "GET /metadata", 200, "")
}

func TestGlobalLatencyOption(t *testing.T) {
	const delay = 100 * time.Millisecond
	s := startTestServer(t, Options{Latency: delay})
	c := newClient(s)
	for _, p := range []string{"/version", "/metadata"} {
		start := time.Now()
		mustCall(t, c, s, "GET", p, s.Seed().AdminToken, nil)
		if el := time.Since(start); el < delay {
			t.Errorf("GET %s took %s, want >= %s", p, el, delay)
		}
	}
}

func TestFaultTimesThenStops(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "GET /version", Kind: FaultStatus, Status: 503, Times: 2})
	var got []int
	for i := 0; i < 4; i++ {
		got = append(got, mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil).status)
	}
	want := []int{503, 503, 200, 200}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses = %v, want %v", got, want)
		}
	}
	if n := len(s.Faults().Active()); n != 0 {
		t.Errorf("Active() has %d faults after Times ran out, want 0", n)
	}
	if s.Faults().Injected() != 2 {
		t.Errorf("Injected() = %d, want 2", s.Faults().Injected())
	}
}

func TestFaultUntilClearedAndClear(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "GET /version", Kind: FaultStatus, Status: 500})
	for i := 0; i < 3; i++ {
		if st := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil).status; st != 500 {
			t.Fatalf("request %d: status %d, want 500 (Times 0 = until cleared)", i, st)
		}
	}
	s.Faults().Clear()
	if st := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil).status; st != 200 {
		t.Fatalf("after Clear: status %d, want 200", st)
	}
}

func TestFaultProbabilityIsSeededAndPartial(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	run := func() []int {
		s.Faults().Clear()
		s.Faults().Seed(42)
		s.Faults().Add(Fault{Route: "GET /version", Kind: FaultStatus, Status: 503, Probability: 0.5})
		var out []int
		for i := 0; i < 30; i++ {
			out = append(out, mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil).status)
		}
		return out
	}
	first, second := run(), run()
	failed := 0
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("same seed gave different outcomes:\n%v\n%v", first, second)
		}
		if first[i] == 503 {
			failed++
		}
	}
	if failed == 0 || failed == len(first) {
		t.Errorf("probability 0.5 failed %d of %d requests, want some but not all", failed, len(first))
	}
}

func TestFaultRouteMatchingAnyVersusNamed(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "POST /user/runners", Kind: FaultStatus, Status: 500})
	if st := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil).status; st != 200 {
		t.Errorf("GET /version with a POST /user/runners fault: %d, want 200", st)
	}
	s.Faults().Clear()
	s.Faults().Add(Fault{Route: RouteAny, Kind: FaultStatus, Status: 503})
	for _, p := range []string{"/version", "/metadata", "/no/such/route"} {
		if st := mustCall(t, c, s, "GET", p, s.Seed().AdminToken, nil).status; st != 503 {
			t.Errorf("GET %s with a \"*\" fault: %d, want 503", p, st)
		}
	}
}

func TestFaultsPickOrderLatencyThenTerminal(t *testing.T) {
	f := NewFaults()
	f.Add(Fault{Route: "*", Kind: FaultLatency, Latency: time.Millisecond})
	f.Add(Fault{Route: "GET /version", Kind: FaultStatus, Status: 500, Times: 1})
	f.Add(Fault{Route: "GET /version", Kind: FaultDrop})
	delays, term := f.pick("GET /version")
	if len(delays) != 1 || term == nil || term.Kind != FaultStatus {
		t.Fatalf("first pick: delays %v, terminal %+v; want one delay and the status fault", delays, term)
	}
	if _, term = f.pick("GET /version"); term == nil || term.Kind != FaultDrop {
		t.Fatalf("second pick: terminal %+v, want the drop fault (status fault used up)", term)
	}
	if _, term = f.pick("GET /metadata"); term != nil {
		t.Fatalf("other route: terminal %+v, want none", term)
	}
	if _, term = f.pick(""); term != nil {
		t.Fatalf("unmatched request: terminal %+v, want none", term)
	}
}

// assertLastLog checks the newest request-log entry. It waits a little: after
// a dropped connection the client may see the error before the server has
// logged the request.
func assertLastLog(t *testing.T, s *Server, route string, status int, fault string) {
	t.Helper()
	var e LogEntry
	for deadline := time.Now().Add(2 * time.Second); ; {
		if log := s.Stats().Log(); len(log) > 0 {
			e = log[len(log)-1]
			if e.Route == route && e.Status == status && e.Fault == fault {
				return
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("last log entry = %+v, want route %q status %d fault %q", e, route, status, fault)
}

// A request a latency fault holds is in flight until its delay ends and it
// is answered, whether or not the faults were cleared meanwhile: tests wait
// for InFlight() == 0 before they count on no late request landing.
func TestFaultsInFlightCountsHeldRequests(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	s.Faults().Add(Fault{Route: "GET /version", Kind: FaultLatency, Latency: 300 * time.Millisecond})
	done := make(chan int, 1)
	go func() { done <- mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil).status }()
	testwait.Until(t, 10*time.Second, "the request held by the fault", func() bool { return s.Faults().InFlight() == 1 })
	s.Faults().Clear()
	if got := s.Faults().InFlight(); got != 1 {
		t.Fatalf("InFlight() after Clear = %d, want 1 (the held request is still on its way)", got)
	}
	if status := <-done; status != 200 {
		t.Fatalf("status = %d, want 200", status)
	}
	testwait.Until(t, 10*time.Second, "InFlight() back to 0 after the answer", func() bool { return s.Faults().InFlight() == 0 })
}
