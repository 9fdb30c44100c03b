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

// do runs c, with retries, and returns the answer for 2xx; any other status
// becomes an *Error. The response body is always drained and closed.
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
	ctx = c.loggingContext(ctx, st.secrets)
	ctx = withState(ctx, st)
	ctx = withConnTrace(ctx, st)

	u := c.endpoint(cl.path, cl.query, cl.instanceRoot)
	var raw any // nil interface: no body
	if payload != nil {
		raw = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u.String(), raw)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building the request: %w", cl.method, cl.path, c.maskErr(err))
	}
	c.setHeaders(req.Header, cl, payload != nil)

	resp, err := c.retry.Do(req)
	if err != nil {
		if resp != nil {
			drainClose(resp.Body)
		}
		return nil, &transportError{
			method:       cl.method,
			path:         cl.path,
			err:          c.cleanTransportError(err, st.secrets),
			attempts:     int(st.attempt.Load()),
			maybeApplied: st.maybeApplied.Load(),
		}
	}
	body, readErr := readAll(resp.Body)
	if readErr != nil && resp.StatusCode < 300 {
		return nil, &transportError{
			method:       cl.method,
			path:         cl.path,
			err:          fmt.Errorf("reading the response: %w", c.cleanTransportError(readErr, st.secrets)),
			maybeApplied: !cl.idempotent,
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.newError(cl, resp, body)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
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

// doJSON runs cl and decodes a 2xx JSON answer into out (when out is non-nil).
func (c *Client) doJSON(ctx context.Context, cl call, out any) (*response, error) {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	if out != nil {
		if err := decodeJSON(resp.body, out); err != nil {
			if b := bytes.TrimSpace(resp.body); len(b) > 0 && b[0] == '<' {
				return nil, fmt.Errorf("%s %s: the %d answer is HTML, not JSON: does base_url %q point at the GitLab instance (not a login page or proxy)?", cl.method, cl.path, resp.status, c.webURL)
			}
			return nil, fmt.Errorf("%s %s: the %d answer is not the expected JSON: %w", cl.method, cl.path, resp.status, err)
		}
	}
	return resp, nil
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
// full URL including the query) and masks what remains.
func (c *Client) cleanTransportError(err error, secrets []string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return c.maskErr(err, secrets...)
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

func drainClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxBodyBytes))
	_ = body.Close()
}
