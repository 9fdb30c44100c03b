package api

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// reqCtx carries one request through its handler.
type reqCtx struct {
	w      http.ResponseWriter
	r      *http.Request
	st     *store.Store
	pathID string   // raw :id path segment
	params []string // raw values of every :param segment, in path order
	now    time.Time
	caller *store.Caller // set by authenticate
	p      *params       // set by parseParams
}

// ---- responses ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	var err error
	if doc, ok := v.(jsonDocument); ok {
		body = doc // encoded already
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"message":"500 Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (c *reqCtx) json(status int, v any) { writeJSON(c.w, status, v) }

// noContent answers 204 with an empty body (DELETE, no job).
func (c *reqCtx) noContent() { c.w.WriteHeader(http.StatusNoContent) }

// reply ends a handler with a store operation's outcome: its failure as
// GitLab answers it, else status and v (what the handler rendered of the
// answer; not written after a failure).
func (c *reqCtx) reply(status int, v any, err error) {
	if err != nil {
		c.fail(err)
		return
	}
	c.json(status, v)
}

// replyNoContent is reply for an operation GitLab answers with 204.
func (c *reqCtx) replyNoContent(err error) {
	if err != nil {
		c.fail(err)
		return
	}
	c.noContent()
}

// grapeError is a parameter-validation failure: 400 {"error":"a, b"}.
func (c *reqCtx) grapeError(msgs []string) {
	c.json(http.StatusBadRequest, map[string]string{"error": strings.Join(msgs, ", ")})
}

// badRequest is GitLab's bad_request!: 400 {"message":"400 Bad request - reason"}.
func (c *reqCtx) badRequest(reason string) {
	c.json(http.StatusBadRequest, map[string]string{"message": "400 Bad request - " + reason})
}

// modelError is a failed model validation: 400 {"message":{"attr":["..."]}}.
func (c *reqCtx) modelError(errs []store.FieldError) {
	c.json(http.StatusBadRequest, map[string]any{"message": modelErrors(errs)})
}

func (c *reqCtx) unauthorized() {
	c.json(http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
}

// forbidden answers 403 "403 Forbidden" or "403 Forbidden - reason".
func (c *reqCtx) forbidden(reason string) {
	msg := "403 Forbidden"
	if reason != "" {
		msg += " - " + reason
	}
	c.json(http.StatusForbidden, map[string]string{"message": msg})
}

// notFound answers 404 {"message":"404 <What> Not Found"} ("404 Not Found" for what == "").
func (c *reqCtx) notFound(what string) {
	msg := "404 Not Found"
	if what != "" {
		msg = "404 " + what + " Not Found"
	}
	c.json(http.StatusNotFound, map[string]string{"message": msg})
}

// routeNotFound mimics GitLab's catch-all route (used for endpoints the
// emulated version does not have).
func (c *reqCtx) routeNotFound() {
	c.json(http.StatusNotFound, map[string]string{"error": "404 Not Found"})
}

func (c *reqCtx) gone(reason string) {
	c.json(http.StatusGone, map[string]string{"message": "410 Gone - " + reason})
}

// ---- authentication ----

// userToken finds the caller's personal access token: PRIVATE-TOKEN header,
// Authorization: Bearer, or ?private_token= / ?access_token=.
func userToken(r *http.Request) string {
	if t := r.Header.Get("PRIVATE-TOKEN"); t != "" {
		return t
	}
	if a := r.Header.Get("Authorization"); a != "" {
		if scheme, tok, ok := strings.Cut(a, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
	}
	q := r.URL.Query()
	if t := q.Get("private_token"); t != "" {
		return t
	}
	return q.Get("access_token")
}

// authenticate resolves the caller and checks the token has one of scopes.
// It writes 401 or 403 insufficient_scope and returns false on failure.
func (c *reqCtx) authenticate(scopes ...string) bool {
	caller, err := c.st.Authenticate(userToken(c.r), scopes...)
	var e *store.Error
	if errors.As(err, &e) && e.Reason == store.InsufficientScope {
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="`+strings.Join(scopes, " ")+`"`)
		c.json(http.StatusForbidden, map[string]string{
			"error":             "insufficient_scope",
			"error_description": "The request requires higher privileges than provided by the access token.",
			"scope":             strings.Join(scopes, " "),
		})
		return false
	}
	if err != nil {
		c.fail(err)
		return false
	}
	c.caller = caller
	return true
}

// fail answers a failed store operation as GitLab does.
func (c *reqCtx) fail(err error) {
	var e *store.Error
	if !errors.As(err, &e) {
		c.json(http.StatusInternalServerError, map[string]string{"message": "500 Internal Server Error"})
		return
	}
	switch e.Reason {
	case store.Unauthorized:
		c.unauthorized()
	case store.InvalidToken:
		c.invalidToken(e.Message)
	case store.Forbidden:
		c.forbidden(e.Message)
	case store.NotFound:
		c.notFound(e.Message)
	case store.BadRequest:
		c.badRequest(e.Message)
	case store.Gone:
		c.gone(e.Message)
	case store.Invalid:
		c.modelError(e.Fields) // render_validation_error!
	case store.Rejected:
		c.json(http.StatusBadRequest, map[string]string{"message": e.Message}) // render_api_error_with_reason!
	case store.Conflict:
		c.json(http.StatusConflict, map[string]string{"message": e.Message}) // render_api_error!(message, :conflict)
	case store.Unprocessable:
		c.json(http.StatusUnprocessableEntity, map[string]string{"message": e.Message})
	case store.RecordNotFound:
		c.json(http.StatusNotFound, map[string]string{"message": "404 Not found"}) // lib/api/api.rb's rescue_from
	case store.PreconditionFailed:
		c.json(http.StatusPreconditionFailed, map[string]string{"message": "412 Precondition Failed"})
	default:
		c.json(http.StatusInternalServerError, map[string]string{"message": "500 Internal Server Error"})
	}
}

// namespaceID reads the :id segment of /groups/:id and /projects/:id: a
// numeric id, else a URL-encoded full path ("demo%2Fplatform"). ok is false
// when the segment cannot be decoded (no such group or project).
func (c *reqCtx) namespaceID() (store.NamespaceID, bool) {
	if id, err := strconv.ParseInt(c.pathID, 10, 64); err == nil {
		return store.NamespaceID{ID: id}, true
	}
	path, err := url.PathUnescape(c.pathID)
	if err != nil || path == "" {
		return store.NamespaceID{}, false
	}
	return store.NamespaceID{FullPath: path}, true
}

// remoteIP is the request's peer address without the port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// baseURL is the scheme://host the client used, for web_url and Link headers.
func (c *reqCtx) baseURL() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

func strOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
