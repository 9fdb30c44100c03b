package gitlabapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// maxBodyBytes bounds how much of a response we read (and buffer).
const maxBodyBytes = 16 << 20

// call describes one logical API call.
type call struct {
	method string
	path   string     // API path below /api/v4, e.g. /runners/12 (see instanceRoot)
	query  url.Values // may be nil
	body   any        // JSON-encoded when non-nil
	// idempotent calls are retried on 5xx and transport errors; the others
	// (POST creating or rotating something) only when provably not sent.
	idempotent bool
	// reconcilable marks a call that changes something and is retried
	// although it is not idempotent, because GitLab refuses a repeat as
	// done already (an assignment's "has already been taken"). When it
	// fails after an attempt may have reached GitLab, the error matches
	// ErrMaybeApplied, as a create's does: the caller reads back.
	reconcilable bool
	// userAuth sends PRIVATE-TOKEN; runner-facing calls do not.
	userAuth bool
	// runnerToken is sent as RUNNER-TOKEN and masked in logs.
	runnerToken string
	// instanceRoot: path is below the instance root rather than /api/v4
	// (GitLab serves GraphQL at /api/graphql).
	instanceRoot bool
}

// response is a successful answer, body already read and closed.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do runs cl, with retries (go-retryablehttp driven by the policy of
// retry.go), and returns the answer for 2xx; any other status becomes an
// *Error. The response body is always read and closed.
func (c *Client) do(ctx context.Context, cl call) (*response, error) {
	var payload []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request: %w", cl.method, cl.path, err)
		}
		payload = b
	}

	st := &attemptState{method: cl.method, path: cl.path, idempotent: cl.idempotent, body: payload}
	if cl.runnerToken != "" {
		st.secrets = append(st.secrets, cl.runnerToken)
	}
	parent := ctx
	if c.total > 0 {
		// The call's own budget; the caller's context may end sooner.
		st.deadline = timeNow().Add(c.total)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, st.deadline)
		defer cancel()
	}
	ctx = c.loggingContext(ctx, st.secrets)
	ctx = withConnTrace(ctx, st)

	var body any // a nil interface: no body (a nil []byte would be an empty one)
	if payload != nil {
		body = payload // replayed on every attempt
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, c.endpoint(cl.path, cl.query, cl.instanceRoot).String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", cl.method, cl.path, c.maskErr(err))
	}
	c.setHeaders(req.Header, cl, payload != nil)

	resp, err := c.retryClient(st).Do(req)
	return c.result(parent, ctx, cl, st, resp, err)
}

// result turns what the last attempt left (see retryClient) into do's
// answer: err when the call failed without a usable answer, else resp, whose
// body is st.answer. parent is the caller's context and ctx the call's (with
// the total budget): when only the budget ran out, the error says so.
func (c *Client) result(parent, ctx context.Context, cl call, st *attemptState, resp *http.Response, err error) (*response, error) {
	if err != nil {
		giveUp := st.giveUp
		if ctx.Err() != nil && parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			giveUp = fmt.Sprintf("no usable answer within total_request_timeout (%s)", c.total)
		}
		return nil, &transportError{
			method:       cl.method,
			path:         cl.path,
			err:          c.cleanTransportError(err, st.secrets),
			attempts:     st.attempt,
			maybeApplied: st.maybeApplied || (cl.reconcilable && st.reached),
			note:         giveUp,
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := c.newError(cl, resp, st.answer)
		e.Note = st.giveUp
		if cl.reconcilable && st.reached {
			e.maybeApplied = true
		}
		return nil, e
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: st.answer}, nil
}

// readAnswer reads the body of an attempt's answer into st.answer (and
// leaves resp.Body replaying it), learns its secrets so that they are
// masked from now on, whatever their JSON key, and follows the server's
// clock. The error is the reading's: the answer may be cut short.
func (c *Client) readAnswer(st *attemptState, resp *http.Response) error {
	answer, err := readAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	st.answer = answer
	c.serverTime.observe(resp.Header.Get("Date"), timeNow())
	learnSecrets(answer)
	return err
}

// newError builds the *Error of a non-2xx answer.
func (c *Client) newError(cl call, resp *http.Response, body []byte) *Error {
	msg, fields := decodeErrorBody(resp.StatusCode, body)
	e := &Error{
		StatusCode: resp.StatusCode,
		Method:     cl.method,
		Path:       cl.path,
		Message:    c.masker.mask(msg, cl.runnerToken),
		Fields:     fields,
	}
	for k, vs := range e.Fields {
		for i := range vs {
			vs[i] = c.masker.mask(vs[i], cl.runnerToken)
		}
		e.Fields[k] = vs
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := serverWait(resp.Header, timeNow()); ok {
			e.RetryAfter = d
		}
	}
	if !cl.idempotent && resp.StatusCode >= 500 {
		e.maybeApplied = true
	}
	return e
}

// doJSON runs cl and decodes a 2xx JSON answer into out (when out is
// non-nil). An answer that cannot be decoded is an *UnusableAnswerError for
// a call that creates or rotates something (GitLab applied it), a plain
// error otherwise.
func (c *Client) doJSON(ctx context.Context, cl call, out any) (*response, error) {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return resp, nil
	}
	if err := c.decodeError(cl, resp, decodeJSON(resp.body, out)); err != nil {
		return nil, err
	}
	return resp, nil
}

// doStrictJSON is doJSON for answers whose fields can make the provider
// rotate a token or replace a runner: it decodes strictly (decodeStrict)
// and returns the fields it ignored, their reasons masked.
func (c *Client) doStrictJSON(ctx context.Context, cl call, out any) ([]MalformedField, error) {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	malformed, err := decodeStrict(resp.body, out)
	if err := c.decodeError(cl, resp, err); err != nil {
		return nil, err
	}
	for i := range malformed {
		malformed[i].Reason = c.masker.mask(malformed[i].Reason, cl.runnerToken)
	}
	return malformed, nil
}

// decodeError explains the failed decoding (err) of a 2xx answer; nil when
// err is nil.
func (c *Client) decodeError(cl call, resp *response, err error) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf("is not the expected JSON: %s", err)
	if b := bytes.TrimSpace(resp.body); len(b) > 0 && b[0] == '<' {
		what = fmt.Sprintf("is HTML, not JSON: does base_url %q point at the GitLab instance (not a login page or proxy)?", c.webURL)
	}
	if !cl.idempotent || cl.reconcilable {
		return &UnusableAnswerError{Method: cl.method, Path: cl.path, Status: resp.status, ID: salvageID(resp.body), Reason: "it " + what}
	}
	return fmt.Errorf("%s %s: the %d answer %s", cl.method, cl.path, resp.status, what)
}

// salvageID reads the top-level "id" of a JSON object even when the object
// is cut short or malformed after it; 0 when there is none. Keys match as
// Go's JSON decoding matches them (case-insensitively), and a later id wins.
func salvageID(body []byte) int64 {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	var id int64
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return id
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return id
		}
		if name, _ := key.(string); strings.ToLower(strings.ToUpper(name)) == "id" && len(raw) > 0 && raw[0] != '"' {
			var n json.Number
			if json.Unmarshal(raw, &n) == nil {
				if v, err := n.Int64(); err == nil && v > 0 {
					id = v
				}
			}
		}
	}
	return id
}

func decodeJSON(body []byte, out any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	return json.Unmarshal(body, out)
}

// endpoint joins the API root (or, for instanceRoot, the instance root) and
// a path (which may contain escaped segments) plus the query.
func (c *Client) endpoint(path string, q url.Values, instanceRoot bool) *url.URL {
	u := *c.baseURL
	root := strings.TrimRight(u.Path, "/")
	if instanceRoot {
		root = strings.TrimSuffix(root, apiPath)
	}
	u.Path = root + path
	u.RawPath = ""
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return &u
}

func (c *Client) setHeaders(h http.Header, cl call, hasBody bool) {
	for k, vs := range c.headers {
		h[k] = append([]string(nil), vs...)
	}
	h.Set("User-Agent", c.userAgent)
	h.Set("Accept", "application/json")
	if hasBody {
		h.Set("Content-Type", "application/json")
	}
	if cl.userAuth && c.token != "" {
		h.Set("PRIVATE-TOKEN", c.token)
	}
	if !cl.userAuth {
		h.Del("PRIVATE-TOKEN") // runner-facing calls never carry the user's token
	}
	if cl.runnerToken != "" {
		h.Set("RUNNER-TOKEN", cl.runnerToken)
	}
}

// cleanTransportError drops *url.Error's wrapper (its message repeats the
// full URL including the query), says why a server that does not speak TLS
// failed the handshake, and masks what remains.
func (c *Client) cleanTransportError(err error, secrets []string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return c.maskErr(explainNoTLS(err, c.baseURL.Host), secrets...)
}

// maskErr keeps err's chain (errors.Is still works) but masks its message.
func (c *Client) maskErr(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	masked := c.masker.mask(msg, secrets...)
	if masked == msg {
		return err
	}
	return &maskedError{msg: masked, err: err}
}

type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

func readAll(body io.ReadCloser) ([]byte, error) {
	// The body has been read (or failed); a Close error changes nothing
	// for the caller.
	defer func() { _ = body.Close() }()
	b, err := io.ReadAll(io.LimitReader(body, maxBodyBytes))
	if err != nil {
		return b, err
	}
	// Drain anything beyond the limit so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxBodyBytes))
	return b, nil
}
