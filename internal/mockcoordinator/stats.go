package mockcoordinator

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// maxLogEntries bounds the in-memory request log of a long-running server.
const maxLogEntries = 10000

// LogEntry is one handled request. It never holds a token: the path is logged
// without its query string (which may carry private_token) and no header or
// body is kept.
type LogEntry struct {
	Time     time.Time     `json:"time"`
	Method   string        `json:"method"`
	Path     string        `json:"path"`
	Route    string        `json:"route"`  // api.MatchRoute name, "" when no route matched
	Status   int           `json:"status"` // 0 when the connection was dropped
	Duration time.Duration `json:"duration"`
	// Fault is the kind of the injected fault that decided the answer, if any.
	Fault string `json:"fault,omitempty"`
	// ClientCert is the common name of the verified TLS client certificate, if any.
	ClientCert string `json:"client_cert,omitempty"`
}

// String renders the entry as one log line.
func (e LogEntry) String() string {
	s := fmt.Sprintf("%s %s %s -> %d (%s) route=%q", e.Time.UTC().Format(time.RFC3339Nano), e.Method, e.Path, e.Status, e.Duration.Round(time.Microsecond), e.Route)
	if e.Status == 0 {
		s = fmt.Sprintf("%s %s %s -> dropped (%s) route=%q", e.Time.UTC().Format(time.RFC3339Nano), e.Method, e.Path, e.Duration.Round(time.Microsecond), e.Route)
	}
	if e.Fault != "" {
		s += " fault=" + e.Fault
	}
	if e.ClientCert != "" {
		s += fmt.Sprintf(" client_cert=%q", e.ClientCert)
	}
	return s
}

// Stats counts requests per route and connections, and keeps a request log.
// Safe for concurrent use.
type Stats struct {
	conns atomic.Int64

	mu      sync.Mutex
	byRoute map[string]int
	total   int
	log     []LogEntry
	out     io.Writer // optional live log
}

// NewStats returns empty statistics; out, when set, receives one line per
// request. A Server has its own (Server.Stats); a proxy in front of another
// server records its requests in one with Record.
func NewStats(out io.Writer) *Stats {
	return &Stats{byRoute: map[string]int{}, out: out}
}

// Requests returns how many requests matched route ("" counts unmatched ones).
func (s *Stats) Requests(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byRoute[route]
}

// RequestsByRoute returns a copy of the per-route counters.
func (s *Stats) RequestsByRoute() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.byRoute))
	for k, v := range s.byRoute {
		out[k] = v
	}
	return out
}

// TotalRequests returns how many requests were handled.
func (s *Stats) TotalRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ConnectionsAccepted returns how many TCP connections the server accepted;
// with keep-alive, sequential requests share one.
func (s *Stats) ConnectionsAccepted() int64 { return s.conns.Load() }

// Log returns a copy of the request log (the most recent entries, bounded).
func (s *Stats) Log() []LogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogEntry(nil), s.log...)
}

// Reset zeroes every counter and empties the log.
func (s *Stats) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byRoute = map[string]int{}
	s.total = 0
	s.log = nil
	s.conns.Store(0)
}

// printf writes a line to the live log (stderr without one), serialised
// with the request lines.
func (s *Stats) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.out
	if w == nil {
		w = os.Stderr
	}
	// Best effort, like the request lines: logging never fails the server.
	_, _ = fmt.Fprintf(w, format+"\n", args...)
}

func (s *Stats) connAccepted() { s.conns.Add(1) }

// Record counts one handled request and adds it to the log.
func (s *Stats) Record(e LogEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byRoute[e.Route]++
	s.total++
	if len(s.log) >= maxLogEntries {
		// Drop the oldest tenth at once so trimming stays cheap.
		s.log = append(s.log[:0], s.log[maxLogEntries/10:]...)
	}
	s.log = append(s.log, e)
	if s.out != nil {
		// Best effort: the request log must never fail a request.
		_, _ = fmt.Fprintln(s.out, e.String())
	}
}
