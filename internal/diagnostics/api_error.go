package diagnostics

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// APIError is the detail of a diagnostic for a failed GitLab call:
// "<attempted> failed.\n\nGitLab answered <status>: <message>
// (<method> <path>).\n\n<advice>". The advice is what the status alone says
// (token refused, GitLab overloaded, no answer) followed by the caller's
// hints; a call without hints gets the generic advice for its status.
func APIError(attempted string, err error, hints ...string) string {
	var b strings.Builder
	var apiErr *gitlabapi.Error
	if errors.As(err, &apiErr) {
		fmt.Fprintf(&b, "%s failed.\n\nGitLab answered %s.", attempted, Answer(err))
	} else {
		fmt.Fprintf(&b, "%s failed: %s.", attempted, Answer(err))
	}
	advice := append([]string{statusHint(err)}, hints...)
	if strings.Join(hints, "") == "" {
		advice = append(advice, fallbackHint(err))
	}
	for _, a := range advice {
		if a != "" {
			b.WriteString("\n\n")
			b.WriteString(a)
		}
	}
	return b.String()
}

// Answer is what GitLab answered, for a diagnostic: "403 Forbidden:
// Insufficient permissions (POST /user/runners)", or the reason there was no
// answer. Anything token-shaped is masked.
func Answer(err error) string {
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) {
		return gitlabapi.RedactSecrets(err.Error())
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(apiErr.StatusCode))
	if text := http.StatusText(apiErr.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if msg := apiErr.Reason(); msg != "" {
		b.WriteString(": " + gitlabapi.RedactSecrets(msg))
	}
	b.WriteString(" (" + apiErr.Method + " " + apiErr.Path + ")")
	if apiErr.Note != "" {
		b.WriteString("; " + apiErr.Note)
	}
	return b.String()
}

// Status is the HTTP status of a GitLab answer, or 0 when there was none
// (for example a network failure).
func Status(err error) int {
	var apiErr *gitlabapi.Error
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsInsufficientScope recognises GitLab's answer to a token whose scopes do
// not cover the call (403 {"error":"insufficient_scope"}).
func IsInsufficientScope(err error) bool {
	return errors.Is(err, gitlabapi.ErrInsufficientScope)
}

// statusHint is the advice that only depends on the answer.
func statusHint(err error) string {
	var unusable *gitlabapi.UnusableAnswerError
	var graphQL *gitlabapi.GraphQLError
	var unavailable *gitlabapi.GraphQLUnavailableError
	var malformed *gitlabapi.MalformedAnswerError
	switch code := Status(err); {
	case errors.As(err, &unusable):
		return HintUnusableAnswer
	case errors.As(err, &malformed):
		return HintMalformedAnswer
	case errors.As(err, &graphQL) || errors.As(err, &unavailable):
		return "" // GitLab answered; its message is the diagnostic
	case code == 0:
		return HintTransport
	case code == http.StatusUnauthorized:
		return HintToken
	case code == http.StatusTooManyRequests || code >= 500:
		return HintRetryLater
	}
	return ""
}

// fallbackHint is the advice for a status when the caller knows no better.
func fallbackHint(err error) string {
	switch Status(err) {
	case http.StatusForbidden:
		return "The token lacks the permission or scope for this call: use a token with the `api` or `read_api` scope of a " +
			"user who can see this object."
	case http.StatusNotFound:
		return "The object " + notVisible + ". Check the id."
	}
	return ""
}

// MalformedAnswer is the detail of a warning about an answer to request
// ("GET /runners/12") that held fields ambiguously or malformed, which the
// client left out: which, why, what the caller made of it (consequence),
// and what to check. Values it quotes are masked by the client.
func MalformedAnswer(request string, fields []gitlabapi.MalformedField, consequence string) string {
	var list strings.Builder
	for _, f := range fields {
		list.WriteString("\n  - " + gitlabapi.RedactSecrets(f.String()))
	}
	return fmt.Sprintf("GitLab's answer to %s holds these fields ambiguously or malformed, so the provider did not use "+
		"them:%s\n\n%s\n\n%s", request, list.String(), consequence, HintMalformedAnswer)
}
