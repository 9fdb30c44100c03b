package gitlabapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors for errors.Is. *Error matches the one of its status code.
var (
	ErrBadRequest   = errors.New("bad request (400)")
	ErrUnauthorized = errors.New("unauthorized (401)")
	ErrForbidden    = errors.New("forbidden (403)")
	ErrNotFound     = errors.New("not found (404)")
	ErrGone         = errors.New("gone (410)")
	ErrRateLimited  = errors.New("rate limited (429)")
	ErrServerError  = errors.New("server error (5xx)")
	// ErrInsufficientScope is a 403 for the token's scopes
	// ({"error":"insufficient_scope"}), which GitLab answers only to a
	// token that authenticated.
	ErrInsufficientScope = errors.New("insufficient scope (403)")

	// ErrMaybeApplied marks a failed POST that creates or rotates something
	// (create runner, reset token) and may nevertheless have been applied:
	// the server answered 5xx, or the connection dropped or timed out after
	// the request was written. The client never retries those; the caller
	// must reconcile (look the object up) instead of blindly trying again.
	ErrMaybeApplied = errors.New("the request may have been applied by GitLab")
)

// Error is an HTTP error answer from GitLab.
type Error struct {
	StatusCode int
	Method     string
	Path       string // API path without /api/v4 and without query string, e.g. /runners/12
	// Message is GitLab's message, flattened to one line; for validation
	// errors (e.g. {"message":{"maximum_timeout":["needs to be ..."]}}) it reads
	// "maximum_timeout needs to be at least 10 minutes".
	Message string
	// Fields holds per-attribute validation messages when GitLab sent them.
	Fields map[string][]string
	// RetryAfter is how long GitLab asked to wait (429), 0 if it did not say.
	RetryAfter time.Duration
	// Note says why the client stopped retrying before Retries was used up,
	// e.g. "GitLab asked to wait 1h0m0s before trying again, more than the
	// 1m58s left of total_request_timeout (2m0s); not waiting".
	Note string

	maybeApplied bool // a non-idempotent POST got a 5xx
}

// Error reads like "PUT /runners/12: 400 Bad Request: maximum_timeout needs to be at least 10 minutes".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if msg := e.Reason(); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.Note != "" {
		b.WriteString(" (" + e.Note + ")")
	} else if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	if e.maybeApplied {
		b.WriteString(" (the request may nevertheless have been applied)")
	}
	return b.String()
}

// Is matches the sentinel of the status code, and ErrMaybeApplied when set.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrGone:
		return e.StatusCode == http.StatusGone
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServerError:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrInsufficientScope:
		msg := strings.ToLower(e.Message)
		return e.StatusCode == http.StatusForbidden &&
			(strings.Contains(msg, "insufficient_scope") || strings.Contains(msg, "insufficient scope"))
	case ErrMaybeApplied:
		return e.maybeApplied
	}
	return false
}

// Reason is GitLab's message without the status it repeats ("403 Forbidden -
// Insufficient permissions" reads "Insufficient permissions"), or "" when the
// message says no more than the status.
func (e *Error) Reason() string {
	msg := trimStatusPrefix(strings.TrimSpace(e.Message), e.StatusCode)
	if strings.EqualFold(msg, http.StatusText(e.StatusCode)) {
		return ""
	}
	return msg
}

// trimStatusPrefix turns GitLab's "403 Forbidden - Insufficient permissions"
// into "Insufficient permissions" and "404 Runner Not Found" into
// "Runner Not Found", since Error() already prints the status.
func trimStatusPrefix(msg string, status int) string {
	code := strconv.Itoa(status)
	if msg == code {
		return ""
	}
	rest, ok := strings.CutPrefix(msg, code+" ")
	if !ok {
		return msg
	}
	if t := http.StatusText(status); t != "" {
		if r, ok := cutPrefixFold(rest, t); ok {
			r = strings.TrimSpace(r)
			r = strings.TrimPrefix(r, "- ")
			r = strings.TrimPrefix(r, "-")
			return strings.TrimSpace(r)
		}
	}
	return strings.TrimSpace(rest)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// transportError is a request that failed without an HTTP answer.
// Its message names the method and path, never the query string.
type transportError struct {
	method, path string
	err          error
	attempts     int
	maybeApplied bool
	note         string // why retrying stopped early, as Error.Note
}

func (e *transportError) Error() string {
	reason := e.err.Error()
	if errors.Is(e.err, io.EOF) || errors.Is(e.err, io.ErrUnexpectedEOF) {
		reason = "the server closed the connection without answering (" + reason + ")"
	}
	msg := fmt.Sprintf("%s %s: %s", e.method, e.path, reason)
	if e.attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.attempts)
	}
	if e.note != "" {
		msg += " (" + e.note + ")"
	}
	if e.maybeApplied {
		msg += " (the connection failed after the request was sent: it may have been applied)"
	}
	return msg
}

func (e *transportError) Unwrap() error { return e.err }

func (e *transportError) Is(target error) bool {
	return target == ErrMaybeApplied && e.maybeApplied
}

// UnusableAnswerError is a 2xx answer to a create or a token rotation that
// the client cannot use: not JSON, cut short, or without the id or the
// token it must carry. GitLab did apply the request, so it matches
// ErrMaybeApplied and the caller reconciles as for a lost answer; ID is the
// id of the object the answer named, 0 when it named none.
type UnusableAnswerError struct {
	Method, Path string
	Status       int
	ID           int64
	Reason       string // what is wrong with the answer, e.g. "it has no token"
}

func (e *UnusableAnswerError) Error() string {
	msg := fmt.Sprintf("%s %s: GitLab answered %d, but the answer cannot be used: %s", e.Method, e.Path, e.Status, e.Reason)
	if e.ID > 0 {
		msg += fmt.Sprintf(" (it names id %d)", e.ID)
	}
	return msg + " (the request was applied)"
}

// Is matches ErrMaybeApplied.
func (e *UnusableAnswerError) Is(target error) bool { return target == ErrMaybeApplied }

// MalformedAnswerError is an answer the client does not trust, because it
// holds some field ambiguously or malformed (strict_decode.go): as if GitLab
// had not answered.
type MalformedAnswerError struct {
	Method, Path string
	Fields       []MalformedField
}

func (e *MalformedAnswerError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Reason
	}
	return fmt.Sprintf("%s %s: the answer is ambiguous or malformed, so it was not used: %s", e.Method, e.Path, strings.Join(parts, "; "))
}
