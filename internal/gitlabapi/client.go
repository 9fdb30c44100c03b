package gitlabapi

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Defaults applied by NewClient for zero Config values.
const (
	DefaultUserAgent       = "terraform-provider-gitlabrunner"
	DefaultRetryWaitMin    = 250 * time.Millisecond
	DefaultRetryWaitMax    = 30 * time.Second
	DefaultMaxConnsPerHost = 16 // Terraform runs 10 operations in parallel by default
	// DefaultRequestTimeout bounds one attempt (connect, send, answer, body).
	// GitLab itself aborts a request after 60 s (Rack::Timeout, Puma), so an
	// answer that has not arrived by then will not come: the attempt fails
	// and the retry policy decides (a GET is retried; a create or rotation
	// fails with ErrMaybeApplied and the caller reconciles).
	DefaultRequestTimeout = 60 * time.Second
	// DefaultTotalTimeout bounds one call: every attempt and every wait
	// between attempts. Two full attempts fit, or ten retries with the
	// default backoff, or one wait of a minute that a rate limit asks for.
	DefaultTotalTimeout = 2 * time.Minute
)

// Config configures a Client. Zero values get sensible defaults.
type Config struct {
	BaseURL string // as the user wrote it; NewClient normalises it (see NormalizeBaseURL)
	Token   string // sent as PRIVATE-TOKEN on user endpoints

	CACertFile     string // PEM bundle appended to the system pool
	ClientCertFile string // client certificate (PEM); needs ClientKeyFile
	ClientKeyFile  string // client key (PEM); needs ClientCertFile
	Insecure       bool   // skip TLS verification

	Retries int // max retries after the first attempt (0 = no retry; negative is treated as 0)

	// Headers are extra headers sent on every request. They cannot replace
	// the headers the client manages itself: PRIVATE-TOKEN (when Token is
	// set; NewClient refuses the conflict instead of picking one silently),
	// RUNNER-TOKEN, User-Agent, Content-Type and Accept. Their values are
	// never logged and are not forwarded on a redirect to another host.
	Headers map[string]string

	UserAgent string // default DefaultUserAgent

	RetryWaitMin, RetryWaitMax time.Duration // 0 => DefaultRetryWaitMin / DefaultRetryWaitMax

	// RequestTimeout bounds each attempt; 0 => DefaultRequestTimeout,
	// negative => no limit (only the caller's context).
	RequestTimeout time.Duration

	// TotalTimeout bounds each call, all attempts and waits included (the
	// provider's total_request_timeout); 0 => DefaultTotalTimeout, negative
	// => no limit (only the caller's context). A wait that would end after
	// it is not waited: the call fails at once, saying how long GitLab
	// asked to wait.
	TotalTimeout time.Duration

	// MaxConnsPerHost sizes the idle connection pool per host
	// (MaxIdleConnsPerHost); 0 => DefaultMaxConnsPerHost. It does not limit
	// the number of concurrent connections.
	MaxConnsPerHost int
}

// Client talks to one GitLab instance. It is safe for concurrent use.
type Client struct {
	baseURL   *url.URL
	webURL    string
	token     string
	userAgent string
	headers   http.Header // extra headers, canonical keys
	retries   int
	waitMin   time.Duration
	waitMax   time.Duration
	total     time.Duration // 0: no limit of its own

	httpClient *http.Client
	masker     *masker
	serverTime serverClock
}

// managedHeaders are set by the client itself; Config.Headers cannot set them.
var managedHeaders = map[string]bool{
	"Private-Token":  true,
	"Runner-Token":   true,
	"User-Agent":     true,
	"Content-Type":   true,
	"Accept":         true,
	"Host":           true,
	"Content-Length": true,
}

// NewClient validates cfg and builds a Client. It never calls the API.
// Errors name the setting at fault and never contain a token value.
func NewClient(cfg Config) (*Client, error) {
	base, err := NormalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(cfg.Token, "\r\n\x00") {
		return nil, fmt.Errorf("token is not valid: it must not contain line breaks or NUL characters")
	}

	headers := http.Header{}
	names := make([]string, 0, len(cfg.Headers))
	for k := range cfg.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := cfg.Headers[k]
		if err := CheckHeader(k, v, cfg.Token != ""); err != nil {
			return nil, fmt.Errorf("headers[%q]: %w", k, err)
		}
		headers.Set(strings.TrimSpace(k), v)
	}

	ua := strings.TrimSpace(cfg.UserAgent)
	if ua == "" {
		ua = DefaultUserAgent
	}
	if strings.ContainsAny(ua, "\r\n") {
		return nil, fmt.Errorf("user agent %q must not contain line breaks", ua)
	}

	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin <= 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = DefaultRetryWaitMax
	}
	if waitMax < waitMin {
		waitMax = waitMin
	}
	retries := cfg.Retries
	if retries < 0 {
		retries = 0
	}
	total := orDefault(cfg.TotalTimeout, DefaultTotalTimeout)

	httpClient, err := newHTTPClient(cfg, headers)
	if err != nil {
		return nil, err
	}

	c := &Client{
		baseURL:    base,
		webURL:     strings.TrimSuffix(base.String(), apiPath),
		token:      cfg.Token,
		userAgent:  ua,
		headers:    headers,
		retries:    retries,
		waitMin:    waitMin,
		waitMax:    waitMax,
		total:      total,
		httpClient: httpClient,
		masker:     newMasker(cfg.Token, headers),
	}
	return c, nil
}

// orDefault reads a timeout setting: 0 means def, a negative one none (0).
func orDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// BaseURL returns a copy of the API root, e.g. https://gitlab.example.com/api/v4.
func (c *Client) BaseURL() *url.URL {
	u := *c.baseURL
	return &u
}

// TotalTimeout is the most one call may take, retries and waits included
// (Config.TotalTimeout); 0 when only the caller's context bounds it.
func (c *Client) TotalTimeout() time.Duration { return c.total }

// WebURL returns the instance root without /api/v4, e.g.
// https://gitlab.example.com or https://host/gitlab — the value for
// `gitlab-runner register --url`.
func (c *Client) WebURL() string { return c.webURL }

// CheckHeader says why an extra header (Config.Headers) cannot be sent, or
// returns nil: its name must be an HTTP token, its value free of line
// breaks and NUL, and it must not be one the client sets itself
// (PRIVATE-TOKEN only when no token is configured: then it is the way the
// user authenticates). The provider checks its headers setting with it at
// plan time, naming the entry.
func CheckHeader(name, value string, tokenSet bool) error {
	ck := http.CanonicalHeaderKey(strings.TrimSpace(name))
	switch {
	case !ValidHeaderName(ck):
		return fmt.Errorf("%q is not a valid HTTP header name: use letters, digits and '-' only", name)
	case strings.ContainsAny(value, "\r\n\x00"):
		return fmt.Errorf("the value of %q must not contain line breaks or NUL characters", name)
	case ck == "Private-Token" && tokenSet:
		return fmt.Errorf("%q conflicts with the token setting; set the token with token only", name)
	case ck == "Private-Token":
		return nil
	case managedHeaders[ck]:
		return fmt.Errorf("%q is managed by the provider and cannot be set here", name)
	}
	return nil
}

// ValidHeaderName reports whether s may be an HTTP header name: an RFC 9110
// token (letters, digits and !#$%&'*+-.^_`|~).
func ValidHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0:
		default:
			return false
		}
	}
	return true
}
