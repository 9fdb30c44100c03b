package gitlabapi

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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

	httpClient *http.Client
	retry      *retryablehttp.Client
	masker     *masker
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
	if strings.ContainsAny(cfg.Token, "\r\n") {
		return nil, fmt.Errorf("token is not valid: it must not contain line breaks")
	}

	headers := http.Header{}
	names := make([]string, 0, len(cfg.Headers))
	for k := range cfg.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := cfg.Headers[k]
		ck := http.CanonicalHeaderKey(strings.TrimSpace(k))
		if !ValidHeaderName(ck) {
			return nil, fmt.Errorf("headers: %q is not a valid HTTP header name", k)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, fmt.Errorf("headers: the value of %q must not contain line breaks", k)
		}
		switch {
		case ck == "Private-Token" && cfg.Token != "":
			return nil, fmt.Errorf("headers: %q conflicts with the token setting; set the token with token only", k)
		case ck == "Private-Token":
			// No token configured: the header is the way the user authenticates.
		case managedHeaders[ck]:
			return nil, fmt.Errorf("headers: %q is managed by the provider and cannot be set here", k)
		}
		headers.Set(ck, v)
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
		httpClient: httpClient,
		masker:     newMasker(cfg.Token, headers),
	}
	c.retry = c.newRetryClient()
	return c, nil
}

// BaseURL returns a copy of the API root, e.g. https://gitlab.example.com/api/v4.
func (c *Client) BaseURL() *url.URL {
	u := *c.baseURL
	return &u
}

// WebURL returns the instance root without /api/v4, e.g.
// https://gitlab.example.com or https://host/gitlab — the value for
// `gitlab-runner register --url`.
func (c *Client) WebURL() string { return c.webURL }

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
