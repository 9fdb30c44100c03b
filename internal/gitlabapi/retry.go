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

	"github.com/hashicorp/go-retryablehttp"
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
//   - A POST that GitLab refuses to repeat as "done already" (assigning a
//     runner to a project) is retried like an idempotent call, but when it
//     fails after some attempt may have reached GitLab (a 5xx, a lost
//     connection, an interruption), it fails with ErrMaybeApplied too.
//   - A server that cannot be reached at all (no such host, connection
//     refused, no route: any error while dialling) gets at most
//     unreachableRetries quick retries, whatever Retries says: it rarely
//     heals within a call, and the user should hear about it in seconds.
//   - Certificate errors, TLS handshakes the server refused (e.g. a missing
//     client certificate) or could not take part in (it does not speak TLS:
//     an https:// base_url pointed at a plain-HTTP port), unsupported schemes
//     and redirect loops are never retried: they do not heal. A failed
//     handshake is not ErrMaybeApplied.
//   - At most Retries retries; the caller's context bounds everything and a
//     cancel or deadline stops a wait immediately.
//   - Otherwise the wait is exponential with jitter, between RetryWaitMin
//     and RetryWaitMax.
//
// go-retryablehttp runs the attempts and waits (retryClient); this file
// decides. One thing comes with retryablehttp: when a call ends without an
// answer (a transport error, the budget, the context), it closes the pool's
// idle connections, so the next requests connect anew; answers, error
// answers included, keep the pool.

// unreachableRetries bounds the retries of calls that could not connect,
// and unreachableWaitMax their waits: with the defaults such a call fails
// after three attempts within about a second (plus DNS and dial time).
const (
	unreachableRetries = 2
	unreachableWaitMax = time.Second
)

// attemptState follows one logical call through its attempts.
// go-retryablehttp runs the attempts one after another in the caller's
// goroutine and calls the hooks of retryClient between them; only gotConn,
// set by the connection trace inside the transport, is atomic.
type attemptState struct {
	method, path string
	idempotent   bool
	body         []byte    // request body, for trace logging
	secrets      []string  // per-call secrets to mask (e.g. a runner token argument)
	deadline     time.Time // the end of the call's budget; zero: none

	attempt      int           // 1-based number of the current attempt
	start        time.Time     // start of the current attempt
	gotConn      atomic.Bool   // the current attempt obtained a connection
	maybeApplied bool          // the last attempt failed after it may have been sent
	reached      bool          // some attempt may have reached GitLab without a clear answer (a 5xx, a lost connection)
	answer       []byte        // the body of the last answer
	wait         time.Duration // the wait before the next attempt, chosen by checkRetry
	giveUp       string        // why a retry the policy would make is not made (the budget)
}

// retryClient runs one call's attempts. go-retryablehttp is the engine
// (attempts, waits, replaying the body); the policy is in its hooks:
//
//   - RequestLogHook starts an attempt (state, log);
//   - CheckRetry reads the answer and decides (decide): retry, or end the
//     call with the answer or with the attempt's error;
//   - Backoff waits what CheckRetry chose: it is not told the attempt's
//     error, hence a client per call, its hooks bound to the call's state;
//   - the request context's deadline is the budget, and ends a wait early;
//   - ResponseLogHook logs every answer;
//   - ErrorHandler passes the last answer and error through: do shapes the
//     result in one place (result), also when retryablehttp returns the
//     context's error after a wait cut short, without calling ErrorHandler.
func (c *Client) retryClient(st *attemptState) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient: c.httpClient,
		// decide applies the same limit first (fewer retries for an
		// unreachable server); this one is retryablehttp's own.
		RetryMax: c.retries,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, retry int) {
			c.beforeAttempt(req.Context(), st, req, retry+1)
		},
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return c.checkRetry(ctx, st, resp, err)
		},
		Backoff: func(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
			return st.wait
		},
		ResponseLogHook: func(_ retryablehttp.Logger, resp *http.Response) {
			c.afterResponse(resp.Request.Context(), st, resp)
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// checkRetry is retryablehttp's CheckRetry. It reads the answer (so that a
// 2xx cut short counts as a failed attempt), applies the policy, and keeps
// the chosen wait for Backoff. When it does not retry, the call ends with
// the answer, or with the attempt's error (a transport error, or the
// reading of a 2xx answer that failed).
func (c *Client) checkRetry(ctx context.Context, st *attemptState, resp *http.Response, err error) (bool, error) {
	if err == nil {
		if readErr := c.readAnswer(st, resp); readErr != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
			// The status arrived but not the whole answer: for a create
			// that is "applied, answer lost". An error status is an
			// answer even when cut short.
			err = fmt.Errorf("reading the %d answer: %w", resp.StatusCode, readErr)
			st.gotConn.Store(true)
		}
	}
	if err != nil {
		// A request that obtained a connection may have been (partly)
		// sent: from here on we cannot know whether GitLab applied it —
		// unless the server refused the TLS handshake, in which case its
		// HTTP side never saw the request.
		sent := st.gotConn.Load() && !tlsRefusedByServer(err)
		st.maybeApplied = !st.idempotent && sent
		st.reached = st.reached || sent
		resp = nil
	} else {
		st.maybeApplied = false
		st.reached = st.reached || resp.StatusCode >= 500
	}

	next := c.decide(ctx, st, resp, err)
	st.wait, st.giveUp = next.wait, next.giveUp
	if err != nil {
		c.logTransportError(ctx, st, err, next.retry)
	}
	if next.retry {
		return true, nil
	}
	return false, err
}

// verdict is what the policy decides after an attempt.
type verdict struct {
	retry bool
	wait  time.Duration
	// giveUp, when set, says why a retry the policy would otherwise make
	// is not made (the budget); it ends up in the error.
	giveUp string
}

// decide applies the policy to the outcome of the current attempt: resp or
// err.
func (c *Client) decide(ctx context.Context, st *attemptState, resp *http.Response, err error) verdict {
	n := st.attempt
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
	if ctx.Err() != nil {
		// The budget ran out while this attempt was answered: say so, as
		// for a wait that would end after it. Another end of the context
		// (the caller's) speaks for itself.
		if !st.deadline.IsZero() && !timeNow().Before(st.deadline) {
			return verdict{giveUp: fmt.Sprintf("the next retry would start after total_request_timeout (%s)", c.total)}
		}
		return verdict{}
	}
	if !st.deadline.IsZero() {
		if left := st.deadline.Sub(timeNow()); wait >= left {
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
		errors.As(err, &verify) || errors.As(err, &recordHeader) || errors.Is(err, http.ErrSchemeMismatch) {
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

// noTLSError is a TLS handshake that failed because the server does not
// speak TLS on that port: it answered in plain HTTP (net/http reports
// http.ErrSchemeMismatch) or sent something else (tls.RecordHeaderError).
// Its message names the likely cause, the scheme or the port of base_url.
type noTLSError struct {
	host string
	err  error
}

func (e *noTLSError) Error() string {
	if errors.Is(e.err, http.ErrSchemeMismatch) {
		return fmt.Sprintf("the server at %s answered in plain HTTP, not TLS (%s): base_url says https://, but this port "+
			"serves http://. Use an http:// base_url if the server has no TLS, or the port where it serves HTTPS", e.host, e.err)
	}
	return fmt.Sprintf("the server at %s does not speak TLS on this port (%s): base_url says https://. Check its scheme "+
		"(http:// for a server without TLS) and its port", e.host, e.err)
}

func (e *noTLSError) Unwrap() error { return e.err }

// explainNoTLS wraps a handshake error of a server that does not speak TLS
// in a noTLSError; other errors are returned as they are.
func explainNoTLS(err error, host string) error {
	var recordHeader tls.RecordHeaderError
	if errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &recordHeader) {
		return &noTLSError{host: host, err: err}
	}
	return err
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
