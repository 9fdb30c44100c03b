package gitlabapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
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
//   - 429 is retried for every method: GitLab refused the request before
//     doing anything. The wait honours Retry-After (seconds or HTTP date),
//     RateLimit-ResetTime (HTTP date) or RateLimit-Reset (unix time), capped
//     by RetryWaitMax.
//   - 5xx (except 501) and transport errors are retried for idempotent
//     calls: GET, PUT, DELETE and POST /runners/verify.
//   - A POST that creates or rotates something is retried only when it
//     provably never reached the server: no connection was obtained (DNS or
//     dial error, connection refused). After a 5xx or a connection lost once
//     the request may have been sent it is not retried and fails with
//     ErrMaybeApplied.
//   - Certificate errors, TLS handshakes the server refused (e.g. a missing
//     client certificate), unsupported schemes and redirect loops are never
//     retried: they do not heal. A refused handshake is not ErrMaybeApplied.
//   - At most Retries retries; the request context bounds everything and a
//     cancel or deadline stops a wait immediately.
//   - Otherwise the wait is exponential with jitter, between RetryWaitMin
//     and RetryWaitMax.
//
// Note: retryablehttp closes the pool's idle connections when a call finally
// fails after retries (or its context ends); successful calls and plain
// error answers (4xx, a POST's 5xx) keep the pool intact.

// attemptState follows one logical call through its attempts. It travels in
// the request context, where retryablehttp's hooks can find it.
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

type stateKey struct{}

func withState(ctx context.Context, st *attemptState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func stateFrom(ctx context.Context) *attemptState {
	st, _ := ctx.Value(stateKey{}).(*attemptState)
	return st
}

func (c *Client) newRetryClient() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:      c.httpClient,
		Logger:          nil, // we log through tflog in the hooks
		RetryWaitMin:    c.waitMin,
		RetryWaitMax:    c.waitMax,
		RetryMax:        c.retries,
		RequestLogHook:  c.beforeAttempt,
		ResponseLogHook: c.afterResponse,
		CheckRetry:      c.checkRetry,
		Backoff:         backoff,
		ErrorHandler:    retryablehttp.PassthroughErrorHandler,
	}
}

// checkRetry decides whether an attempt is retried; see the policy above.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	if st == nil { // not one of ours; be conservative
		return false, nil
	}
	if err != nil {
		// A non-idempotent request that obtained a connection may have been
		// (partly) sent: from here on we cannot know whether GitLab applied it
		// — unless the server refused the TLS handshake, in which case its
		// HTTP side never saw the request.
		st.maybeApplied.Store(!st.idempotent && st.gotConn.Load() && !tlsRefusedByServer(err))
		retry := false
		switch {
		case ctx.Err() != nil:
		case permanentTransportError(err):
		case st.idempotent:
			retry = true
		default:
			retry = !st.gotConn.Load()
		}
		c.logTransportError(ctx, st, err, retry)
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return retry, nil
	}
	st.maybeApplied.Store(false)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case resp.StatusCode >= 500 && resp.StatusCode <= 599 && resp.StatusCode != http.StatusNotImplemented:
		return st.idempotent, nil
	}
	return false, nil
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

// backoff is retryablehttp's Backoff: the server's wait for 429 (and 503
// with Retry-After), else exponential with jitter in [min, max].
func backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := serverWait(resp.Header, time.Now()); ok {
			return min(max(d, minWait), maxWait)
		}
	}
	return jitteredBackoff(minWait, maxWait, attemptNum)
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
