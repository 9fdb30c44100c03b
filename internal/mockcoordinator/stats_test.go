package mockcoordinator

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testwait"
)

func TestStatsCountRequestsPerRoute(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	for i := 0; i < 3; i++ {
		mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil)
	}
	if r, err := createInstanceRunner(t, c, s, "stats"); err != nil || r.status != http.StatusCreated {
		t.Fatalf("create runner: %v %d %s", err, r.status, r.body)
	}
	mustCall(t, c, s, "GET", "/no/such/route", s.Seed().AdminToken, nil)

	testwait.Until(t, 3*time.Second, "TotalRequests() == 5", func() bool { return s.Stats().TotalRequests() == 5 })
	for route, want := range map[string]int{"GET /version": 3, "POST /user/runners": 1, "": 1, "GET /metadata": 0} {
		if got := s.Stats().Requests(route); got != want {
			t.Errorf("Requests(%q) = %d, want %d", route, got, want)
		}
	}
	s.Stats().Reset()
	if s.Stats().TotalRequests() != 0 || len(s.Stats().Log()) != 0 || s.Stats().Requests("GET /version") != 0 {
		t.Error("Reset did not zero the counters and the log")
	}
}

func TestStatsKeepAliveReusesOneConnection(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	for i := 0; i < 10; i++ {
		mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil)
	}
	if got := s.Stats().ConnectionsAccepted(); got != 1 {
		t.Errorf("ConnectionsAccepted() = %d after 10 sequential keep-alive requests, want 1", got)
	}

	tr := s.HTTPClient().Transport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	noKA := &http.Client{Transport: tr}
	for i := 0; i < 3; i++ {
		mustCall(t, noKA, s, "GET", "/version", s.Seed().AdminToken, nil)
	}
	testwait.Until(t, 3*time.Second, "ConnectionsAccepted() == 4 after 3 requests without keep-alive", func() bool { return s.Stats().ConnectionsAccepted() == 4 })
}

func TestStatsLogHasNoTokens(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	admin := s.Seed().AdminToken

	// Token in the query string, in the header, in a request body and in a response body.
	mustCall(t, c, s, "GET", "/version?private_token="+admin, "", nil)
	r, err := createInstanceRunner(t, c, s, "log-secrets")
	if err != nil || r.status != http.StatusCreated {
		t.Fatalf("create runner: %v %d %s", err, r.status, r.body)
	}
	var created struct{ Token string }
	if err := json.Unmarshal(r.body, &created); err != nil || created.Token == "" {
		t.Fatalf("create runner body %s: %v", r.body, err)
	}
	verifyRunner(t, c, s, created.Token)

	testwait.Until(t, 3*time.Second, "3 log entries", func() bool { return len(s.Stats().Log()) == 3 })
	log := s.Stats().Log()
	for _, e := range log {
		js, _ := json.Marshal(e)
		for _, text := range []string{e.String(), fmt.Sprintf("%+v", e), string(js)} {
			for _, secret := range []string{admin, created.Token} {
				if strings.Contains(text, secret) {
					t.Errorf("log entry leaks a token: %s", text)
				}
			}
		}
	}
	first := log[0]
	if first.Method != "GET" || first.Path != "/api/v4/version" || first.Route != "GET /version" || first.Status != 200 || first.Time.IsZero() {
		t.Errorf("first entry = %+v, want GET /api/v4/version route \"GET /version\" status 200 with a time", first)
	}
	if log[2].Route != "POST /runners/verify" || log[2].Status != 200 {
		t.Errorf("verify entry = %+v, want route \"POST /runners/verify\" status 200", log[2])
	}
}

func TestStatsLiveLogWriter(t *testing.T) {
	var buf lockedBuffer
	s := startTestServer(t, Options{LogWriter: &buf})
	c := newClient(s)
	mustCall(t, c, s, "GET", "/version?private_token="+s.Seed().AdminToken, "", nil)
	testwait.Until(t, 3*time.Second, "a live log line", func() bool { return strings.Contains(buf.String(), "GET /api/v4/version -> 200") })
	if strings.Contains(buf.String(), s.Seed().AdminToken) {
		t.Errorf("live log leaks the token: %s", buf.String())
	}
}

// Tests of other packages reset the stats, make a call and count at once:
// a request must be counted before its client can see the answer.
func TestStatsCountedBeforeClientSeesAnswer(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	for i := 1; i <= 30; i++ {
		mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil)
		if got := s.Stats().Requests("GET /version"); got != i {
			t.Fatalf("after answer %d: Requests = %d", i, got)
		}
	}
	s.Faults().Add(Fault{Route: "POST /user/runners", Kind: FaultDrop, Times: 1})
	if _, err := createInstanceRunner(t, c, s, "x"); err == nil {
		t.Fatal("want a dropped connection")
	}
	if got := s.Stats().Requests("POST /user/runners"); got != 1 {
		t.Fatalf("dropped request counted %d times right after the client's error, want 1", got)
	}
}

func TestOnConnectionSeesEachClientAddress(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	s := startTestServer(t, Options{OnConnection: func(remote net.Addr) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, remote.String())
	}})
	tr := s.HTTPClient().Transport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	var locals []string
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			locals = append(locals, c.LocalAddr().String())
		}
		return c, err
	}
	c := &http.Client{Transport: tr}
	for i := 0; i < 3; i++ {
		mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, " ") != strings.Join(locals, " ") {
		t.Errorf("OnConnection saw %v, the client dialled from %v", seen, locals)
	}
}
