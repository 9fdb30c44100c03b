package gitlabapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Retry policy (see also ErrMaybeApplied):
//
//   - Every call has a total budget (Config.TotalTimeout, the provider's
//     total_request_timeout): attempts and waits together never take longer.
//     A wait that would end after the budget is not waited: the call fails
//     at once, with the wait GitLab asked for in the error.
//   - 429 is retried for every method: GitLab refused the request before
//     doing anything. The wait is the server's (Retry-After in seconds or
//     as an HTTP date, RateLimit-ResetTime, RateLimit-Reset), not capped:
//     retrying sooner than asked only earns another 429.
//   - 5xx (except 501) and transport errors are retried for idempotent
//     calls: GET, PUT, DELETE and POST /runners/verify.
//   - A POST that creates or rotates something is retried only when it
//     provably never reached the server: no connection was obtained (DNS or
//     dial error, connection refused). After a 5xx or a connection lost once
//     the request may have been sent it is not retried and fails with
//     ErrMaybeApplied.
//   - A server that cannot be reached at all (no such host, connection
//     refused, no route: any error while dialling) gets at most
//     unreachableRetries quick retries, whatever Retries says: it rarely
//     heals within a call, and the user should hear about it in seconds.
//   - Certificate errors, TLS handshakes the server refused (e.g. a missing
//     client certificate), unsupported schemes and redirect loops are never
//     retried: they do not heal. A refused handshake is not ErrMaybeApplied.
//   - At most Retries retries; the caller's context bounds everything and a
//     cancel or deadline stops a wait immediately.
//   - Otherwise the wait is exponential with jitter, between RetryWaitMin
//     and RetryWaitMax.

// unreachableRetries bounds the retries of calls that could not connect,
// and unreachableWaitMax their waits: with the defaults such a call fails
// after three attempts within about a second (plus DNS and dial time).
const (
	unreachableRetries = 2
	unreachableWaitMax = time.Second
)

// attemptState follows one logical call through its attempts. It travels in
// the request context, where the connection trace can find it.
type attemptState struct {
	method, path string
	idempotent   bool
	body         []byte   // request body, for trace logging
	secrets      []string // per-call secrets to mask (e.g. a runner token argument)

	attempt      atomic.Int32 // 1-based number of the current attempt
	startNanos   atomic.Int64 // start of the current attempt
	gotConn      atomic.Bool  // the current attempt obtained a connection
	maybeApplied atomic.Bool  // the last attempt failed after it may have been sent
}

// verdict is what the policy decides after an attempt.
type verdict struct {
	retry bool
	wait  time.Duration
	// giveUp, when set, says why a retry the policy would otherwise make
	// is not made (the budget); it ends up in the error.
	giveUp string
}

// decide applies the policy to the outcome of attempt n (1-based): resp or
// err. deadline is the end of the call's budget (zero: none).
func (c *Client) decide(ctx context.Context, st *attemptState, resp *http.Response, err error, n int, deadline time.Time) verdict {
	if ctx.Err() != nil {
		return verdict{}
	}
	retries := c.retries
	var wait time.Duration
	var serverAsked bool
	switch {
	case err != nil:
		switch {
		case permanentTransportError(err):
			return verdict{}
		case dialFailed(err):
			retries = min(retries, unreachableRetries)
			wait = min(jitteredBackoff(c.waitMin, c.waitMax, n-1), unreachableWaitMax)
		case st.idempotent || !st.gotConn.Load():
			wait = jitteredBackoff(c.waitMin, c.waitMax, n-1)
		default:
			return verdict{}
		}
	case resp.StatusCode == http.StatusTooManyRequests:
		wait, serverAsked = serverWait(resp.Header, timeNow())
		if !serverAsked {
			wait = jitteredBackoff(c.waitMin, c.waitMax, n-1)
		}
	case resp.StatusCode >= 500 && resp.StatusCode <= 599 && resp.StatusCode != http.StatusNotImplemented && st.idempotent:
		wait, serverAsked = serverWait(resp.Header, timeNow())
		if !serverAsked || resp.StatusCode != http.StatusServiceUnavailable {
			wait, serverAsked = jitteredBackoff(c.waitMin, c.waitMax, n-1), false
		}
	default:
		return verdict{}
	}
	if n > retries {
		return verdict{}
	}
	if !deadline.IsZero() {
		if left := deadline.Sub(timeNow()); wait >= left {
			if serverAsked {
				return verdict{giveUp: fmt.Sprintf("GitLab asked to wait %s before trying again, more than the %s left of "+
					"total_request_timeout (%s); not waiting", roundDuration(wait), roundDuration(max(left, 0)), c.total)}
			}
			return verdict{giveUp: fmt.Sprintf("the next retry would start after total_request_timeout (%s)", c.total)}
		}
	}
	return verdict{retry: true, wait: wait}
}

// roundDuration rounds to what a person reads: whole seconds from a second
// on, milliseconds below.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// sleepCtx waits d or until ctx ends; false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// dialFailed reports an attempt that never connected: DNS failures,
// connection refused, no route to host, dial timeouts. Nothing was sent.
func dialFailed(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// permanentTransportError reports errors that a retry cannot fix.
func permanentTransportError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &recordHeader) {
		return true
	}
	if tlsRefusedByServer(err) {
		return true
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		msg := ue.Err.Error()
		if strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after") {
			return true
		}
	}
	return false
}

// tlsRefusedByServer reports a TLS alert from the server, such as
// "remote error: tls: certificate required" or "bad certificate": the server
// refused the handshake (with TLS 1.3 the client only learns it when it
// reads the answer). crypto/tls reports it as a *net.OpError "remote error"
// around an unexported alert type, hence the check of the message.
func tlsRefusedByServer(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error" && strings.HasPrefix(op.Err.Error(), "tls: ")
}

// jitteredBackoff returns a wait in [base/2, base] where base = min*2^attempt
// capped at max, never below min.
func jitteredBackoff(minWait, maxWait time.Duration, attemptNum int) time.Duration {
	base := minWait
	for i := 0; i < attemptNum && base < maxWait; i++ {
		base *= 2
	}
	base = min(base, maxWait)
	half := base / 2
	wait := half
	if half > 0 {
		wait += rand.N(half + 1)
	}
	return min(max(wait, minWait), maxWait)
}

// serverWait reads how long the server asked us to wait: Retry-After
// (seconds or HTTP date), RateLimit-ResetTime (HTTP date), RateLimit-Reset
// (unix time; small values are taken as seconds).
func serverWait(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			if n < 0 {
				return 0, true
			}
			return secondsDuration(n), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-ResetTime")); v != "" {
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			if n < 1_000_000_000 { // a delta, not a timestamp
				return secondsDuration(n), true
			}
			return max(time.Unix(n, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

// secondsDuration converts seconds without overflowing.
func secondsDuration(n int64) time.Duration {
	const maxSeconds = int64(1<<63-1) / int64(time.Second)
	if n > maxSeconds {
		n = maxSeconds
	}
	return time.Duration(n) * time.Second
}
