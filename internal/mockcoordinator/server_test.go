package mockcoordinator

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestServerStartRejectsNonLoopback(t *testing.T) {
	s, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "no-port"} {
		if err := s.Start(addr); err == nil {
			t.Errorf("Start(%q): want an error", addr)
		} else if !strings.Contains(err.Error(), addr) {
			t.Errorf("Start(%q) error %q does not name the address", addr, err)
		}
	}
}

func TestServerStartLocalhostAndTwice(t *testing.T) {
	s, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Start("localhost:0"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") && !strings.HasPrefix(s.URL(), "http://[::1]:") {
		t.Errorf("URL() = %q, want http://<loopback>:PORT", s.URL())
	}
	if s.APIURL() != s.URL()+"/api/v4" {
		t.Errorf("APIURL() = %q", s.APIURL())
	}
	if s.CAFile() != "" {
		t.Errorf("CAFile() = %q without TLS, want empty", s.CAFile())
	}
	if err := s.Start("127.0.0.1:0"); err == nil {
		t.Error("second Start: want an error")
	}
}

func TestServerCloseIsGracefulAndIdempotent(t *testing.T) {
	s := startTestServer(t, Options{})
	c := newClient(s)
	if st := mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil).status; st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := call(t, newClient(s), s, "GET", "/version", s.Seed().AdminToken, nil); err == nil {
		t.Fatal("request after Close succeeded")
	}
}

func TestServerSeedAndVersion(t *testing.T) {
	s := startTestServer(t, Options{Version: "16.11.2-ee"})
	seed := s.Seed()
	if seed.AdminToken == "" || seed.Group.ID == 0 || seed.Project.ID == 0 {
		t.Fatalf("Seed() = %+v, want the default fixture", seed)
	}
	r := mustCall(t, newClient(s), s, "GET", "/version", seed.AdminToken, nil)
	if !contains(r.body, `"16.11.2-ee"`) {
		t.Errorf("GET /version = %s, want version 16.11.2-ee", r.body)
	}
}

// The Date header is the store's clock, as GitLab's is its own: clients
// that compare times with the server's (creation markers) follow a fake
// clock too.
func TestDateHeaderIsTheStoreClock(t *testing.T) {
	clock := store.NewFakeClock(time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC))
	s := startTestServer(t, Options{Clock: clock})
	resp := mustCall(t, newClient(s), s, "GET", "/version", s.Seed().AdminToken, nil)
	if got := resp.header.Get("Date"); got != "Mon, 03 Feb 2031 04:05:06 GMT" {
		t.Errorf("Date = %q, want the store's clock", got)
	}
}
