package gitlabapi

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the tflog subsystem of the client. Its level follows the
// provider's (TF_LOG / TF_LOG_PROVIDER) unless TF_LOG_PROVIDER_GITLABAPI is set.
const logSubsystem = "gitlabapi"

// maxLoggedBody bounds request/response bodies in trace logs.
const maxLoggedBody = 64 << 10

var timeNow = time.Now

// loggingContext adds the client's log subsystem and, as a safety net on top
// of masking every string before it is logged, tflog masks for all secrets.
func (c *Client) loggingContext(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", "GITLABAPI"))
	literals := append(append([]string(nil), c.masker.literals...), secrets...)
	if len(literals) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, literals...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, literals...)
	}
	// JSON "token" members are masked by c.masker, which keeps the key readable.
	ctx = tflog.SubsystemMaskAllFieldValuesRegexes(ctx, logSubsystem, tokenPatterns...)
	ctx = tflog.SubsystemMaskMessageRegexes(ctx, logSubsystem, tokenPatterns...)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem,
		"token", "private_token", "runners_token", "registration_token", "runner_token", "authorization")
	return ctx
}

// withConnTrace records whether an attempt obtained a connection: until it
// does, nothing can have reached the server.
func withConnTrace(ctx context.Context, st *attemptState) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { st.gotConn.Store(true) },
	})
}

// beforeAttempt is retryablehttp's RequestLogHook (see retryClient): it
// starts attempt n (1-based) and logs the request.
func (c *Client) beforeAttempt(ctx context.Context, st *attemptState, req *http.Request, n int) {
	st.attempt = n
	st.start = timeNow()
	st.gotConn.Store(false)
	st.maybeApplied = false
	st.answer = nil

	fields := map[string]any{
		"http_method": st.method,
		"http_path":   st.path,
		"attempt":     n,
	}
	tflog.SubsystemDebug(ctx, logSubsystem, "GitLab API request", fields)
	if tflog.SubsystemIsTrace(ctx, logSubsystem) {
		fields["http_query"] = c.masker.mask(req.URL.RawQuery, st.secrets...)
		fields["http_headers"] = c.masker.headersForLog(req.Header)
		if len(st.body) > 0 {
			fields["http_body"] = c.masker.maskBody(st.body, st.secrets...)
		}
		tflog.SubsystemTrace(ctx, logSubsystem, "GitLab API request details", fields)
	}
}

// afterResponse is retryablehttp's ResponseLogHook: it logs the answer,
// which checkRetry has read (readAnswer) before.
func (c *Client) afterResponse(ctx context.Context, st *attemptState, resp *http.Response) {
	fields := map[string]any{
		"http_method": st.method,
		"http_path":   st.path,
		"http_status": resp.StatusCode,
		"attempt":     st.attempt,
		"duration_ms": timeNow().Sub(st.start).Milliseconds(),
	}
	tflog.SubsystemDebug(ctx, logSubsystem, "GitLab API response", fields)
	if tflog.SubsystemIsTrace(ctx, logSubsystem) {
		fields["http_headers"] = c.masker.headersForLog(resp.Header)
		if len(st.answer) > 0 {
			fields["http_body"] = c.masker.maskBody(st.answer, st.secrets...)
		}
		tflog.SubsystemTrace(ctx, logSubsystem, "GitLab API response details", fields)
	}
}

func (c *Client) logTransportError(ctx context.Context, st *attemptState, err error, retry bool) {
	tflog.SubsystemDebug(ctx, logSubsystem, "GitLab API request failed", map[string]any{
		"http_method":   st.method,
		"http_path":     st.path,
		"attempt":       st.attempt,
		"duration_ms":   timeNow().Sub(st.start).Milliseconds(),
		"error":         c.cleanTransportError(err, st.secrets).Error(),
		"will_retry":    retry,
		"maybe_applied": st.maybeApplied,
	})
}

func truncateForLog(b []byte) string {
	if len(b) > maxLoggedBody {
		return string(b[:maxLoggedBody]) + "… (truncated)"
	}
	return string(b)
}
