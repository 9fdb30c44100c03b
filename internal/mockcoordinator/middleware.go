package mockcoordinator

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/api"
)

// handler wraps the API with, from the outside in: statistics and request
// log, global latency, fault injection, and state-file scheduling.
//
// The request is recorded before the handler returns, i.e. before net/http
// sends the last bytes of the answer (and before a dropped connection is
// closed): a client that has its answer can rely on Stats counting it.
func (s *Server) handler() http.Handler {
	apiHandler := api.NewHandler(s.store)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// GitLab's Date is GitLab's clock: with a fake clock, clients that
		// compare times with the server's see the fake time.
		w.Header().Set("Date", s.store.Now().Format(http.TimeFormat))
		route := api.MatchRoute(r.Method, r.URL.Path)
		rec := &srvStatusRecorder{ResponseWriter: w}
		fault, drop := s.serveWithFaults(rec, r, route, apiHandler)
		status := rec.status
		if drop {
			status = 0
		}
		s.stats.Record(LogEntry{
			Time:       start,
			Method:     r.Method,
			Path:       r.URL.Path, // never the query: it may carry private_token
			Route:      route,
			Status:     status,
			Duration:   time.Since(start),
			Fault:      fault,
			ClientCert: tlsClientCertName(r),
		})
		if drop {
			dropConnection(w)
		}
	})
}

// serveWithFaults answers the request, possibly through an injected fault
// (Faults.Serve), after the server's global latency. It returns the name of
// the fault that decided the answer ("" if none) and whether the caller must
// drop the connection instead of answering.
func (s *Server) serveWithFaults(w *srvStatusRecorder, r *http.Request, route string, apiHandler http.Handler) (string, bool) {
	if !srvSleep(r.Context(), s.opts.Latency) {
		return "", false
	}
	return s.faults.Serve(w, r, route, func(w http.ResponseWriter) { s.apply(w, r, apiHandler) })
}

// Serve answers a request of route through the faults that fire for it:
// every firing latency delays it, then the first other fault that fires
// decides the answer. apply does the real work and writes the real answer
// to the writer it is given (for an apply-then-* fault, one the client never
// sees). It returns the name of the fault that decided the answer ("" if
// none) and whether the caller must drop the connection instead of
// answering (dropConnection in this package; a proxy hijacks its own).
func (f *Faults) Serve(w http.ResponseWriter, r *http.Request, route string, apply func(http.ResponseWriter)) (string, bool) {
	f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	delays, fault := f.pick(route)
	for _, d := range delays {
		if !srvSleep(r.Context(), d) {
			return FaultLatency.String(), false
		}
	}
	if fault == nil {
		apply(w)
		if len(delays) > 0 {
			return FaultLatency.String(), false
		}
		return "", false
	}
	switch fault.Kind {
	case FaultStatus:
		writeFaultError(w, fault.effectiveStatus())
		return "status-" + strconv.Itoa(fault.effectiveStatus()), false
	case FaultRateLimit:
		writeFaultRateLimited(w, fault.effectiveStatus(), fault.RetryAfter)
		return FaultRateLimit.String(), false
	case FaultDrop:
		return FaultDrop.String(), true
	case FaultApplyThenStatus:
		apply(newSrvDiscardWriter())
		writeFaultError(w, fault.effectiveStatus())
		return "apply-then-" + strconv.Itoa(fault.effectiveStatus()), false
	case FaultApplyThenDrop:
		apply(newSrvDiscardWriter())
		return FaultApplyThenDrop.String(), true
	}
	// Unknown kind: behave as if there was no fault.
	apply(w)
	return "", false
}

// apply runs the real API handler. With a state file, the answer to a
// request that may have changed the store is held until the file holds the
// change (persist.go): an acknowledged change survives any kill.
func (s *Server) apply(w http.ResponseWriter, r *http.Request, apiHandler http.Handler) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		apiHandler.ServeHTTP(w, r)
		return
	}
	if s.opts.StateFile == "" {
		apiHandler.ServeHTTP(w, r)
		return
	}
	held := newSrvDiscardWriter()
	apiHandler.ServeHTTP(held, r)
	s.changes.Add(1)
	if err := s.persist(); err != nil {
		s.logf("mock-coordinator: %v", err)
		// Like a GitLab whose database failed: the change may or may not
		// last, and the client must not take it as done.
		writeFaultError(w, http.StatusInternalServerError)
		return
	}
	for k, vs := range held.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(max(held.status, http.StatusOK))
	// A failed write means the client is gone; there is no one to tell.
	_, _ = w.Write(held.body.Bytes())
}

// srvSleep waits d or until the request is cancelled; false when cancelled.
func srvSleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeFaultError answers like GitLab's error pages for the API:
// {"message":"502 Bad Gateway"}.
func writeFaultError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// A failed write means the client is gone; there is no one to tell.
	_, _ = fmt.Fprintf(w, `{"message":%q}`, fmt.Sprintf("%d %s", status, http.StatusText(status)))
}

// Rate-limit header values modelled on GitLab's authenticated API throttle.
const (
	rateLimitName  = "throttle_authenticated_api"
	rateLimitLimit = 2000
)

// writeFaultRateLimited answers 429 with Retry-After (whole seconds, rounded up)
// and GitLab's RateLimit-* headers. The reset times use the wall clock, not
// the store's clock, because clients wait in real time.
func writeFaultRateLimited(w http.ResponseWriter, status int, retryAfter time.Duration) {
	switch {
	case retryAfter == 0:
		retryAfter = defaultRateLimitRetryAft
	case retryAfter < 0:
		retryAfter = 0 // explicit "Retry-After: 0"
	}
	secs := int64(math.Ceil(retryAfter.Seconds()))
	reset := time.Now().Add(time.Duration(secs) * time.Second)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
	h.Set("RateLimit-Name", rateLimitName)
	h.Set("RateLimit-Limit", strconv.Itoa(rateLimitLimit))
	h.Set("RateLimit-Observed", strconv.Itoa(rateLimitLimit+1))
	h.Set("RateLimit-Remaining", "0")
	h.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
	w.WriteHeader(status)
	// A failed write means the client is gone; there is no one to tell.
	_, _ = fmt.Fprintf(w, `{"message":%q}`, fmt.Sprintf("%d %s", status, http.StatusText(status)))
}

// dropConnection closes the client's connection without an answer. The TCP
// connection is reset (linger 0) so the client sees an error at once.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (should not happen on HTTP/1.1): abort the handler,
		// which makes net/http close the connection without a response.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := underlyingTCP(conn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func underlyingTCP(c net.Conn) (*net.TCPConn, bool) {
	if nc, ok := c.(interface{ NetConn() net.Conn }); ok {
		c = nc.NetConn()
	}
	tc, ok := c.(*net.TCPConn)
	return tc, ok
}

func tlsClientCertName(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	return r.TLS.PeerCertificates[0].Subject.CommonName
}

// srvStatusRecorder remembers the status written through it.
type srvStatusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *srvStatusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *srvStatusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *srvStatusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *srvStatusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// srvDiscardWriter collects the real answer of an apply-then-* fault, which the
// client never sees.
type srvDiscardWriter struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func newSrvDiscardWriter() *srvDiscardWriter { return &srvDiscardWriter{header: http.Header{}} }

func (d *srvDiscardWriter) Header() http.Header { return d.header }
func (d *srvDiscardWriter) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}
func (d *srvDiscardWriter) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return d.body.Write(b)
}
