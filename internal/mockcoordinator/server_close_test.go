package mockcoordinator

import (
	"net"
	"testing"
	"time"
)

// TestServerCloseWithIdleNewConnection: a connection that was opened but
// never carried a request (a client's spare connection, a port probe) must
// not make Close wait for net/http's 5 s "new connection" grace period, and
// must not be reported as a shutdown error.
func TestServerCloseWithIdleNewConnection(t *testing.T) {
	const netHTTPNewConnGrace = 5 * time.Second // net/http's Server.Shutdown waits this long for a StateNew connection
	s, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", s.URL()[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Let the server accept it (StateNew).
	deadline := time.Now().Add(2 * time.Second)
	for s.Stats().ConnectionsAccepted() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}

	start := time.Now()
	err = s.Close()
	took := time.Since(start)
	if err != nil {
		t.Errorf("Close() = %v, want nil: an unused connection is not a shutdown failure", err)
	}
	// Not a speed claim: the bound is net/http's own grace period, which a
	// Close that waited for the connection would reach (closeGrace is 1 s).
	if took >= netHTTPNewConnGrace {
		t.Errorf("Close() took %s with one unused connection open: it waited for net/http's %s grace period",
			took.Round(time.Millisecond), netHTTPNewConnGrace)
	}
}
