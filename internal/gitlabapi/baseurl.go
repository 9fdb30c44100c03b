package gitlabapi

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

const apiPath = "/api/v4"

// ErrInvalidBaseURL matches (errors.Is) every error of NormalizeBaseURL, and
// so NewClient's error for an unusable Config.BaseURL: callers can point the
// user at the setting.
var ErrInvalidBaseURL = errors.New("invalid base_url")

// baseURLError is an ErrInvalidBaseURL whose text says what is wrong.
type baseURLError struct{ msg string }

func (e *baseURLError) Error() string        { return e.msg }
func (e *baseURLError) Is(target error) bool { return target == ErrInvalidBaseURL }

// NormalizeBaseURL accepts https://host, https://host/, https://host/api/v4,
// https://host/api/v4/ and relative-root installs such as
// https://host/gitlab, and returns the API root "https://host[/prefix]/api/v4".
// Surrounding whitespace is ignored. Only http and https are allowed; a host
// is required; query, fragment and user information are refused (a token in
// the URL would end up in logs). Errors name the value and what is allowed,
// and match ErrInvalidBaseURL.
func NormalizeBaseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	bad := func(why string) error {
		return &baseURLError{fmt.Sprintf("base_url %q is not valid: %s, as in https://gitlab.example.com", redactURLForError(s), why)}
	}
	if s == "" {
		return nil, &baseURLError{"base_url is empty: set it to the address of the GitLab instance, as in https://gitlab.example.com"}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, bad("it cannot be parsed as a URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		u.Scheme = strings.ToLower(u.Scheme)
	case "":
		return nil, bad("the scheme is missing; it must be http or https")
	default:
		return nil, bad("the scheme must be http or https")
	}
	if u.Opaque != "" {
		return nil, bad("it must have the form scheme://host[/path]")
	}
	if u.User != nil {
		return nil, bad("user information (user:password@) is not allowed; use the token setting")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, bad("a host is required")
	}
	if p := u.Port(); p != "" {
		for _, r := range p {
			if r < '0' || r > '9' {
				return nil, bad("the port must be a number")
			}
		}
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, bad("a query string (?...) is not allowed")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return nil, bad("a fragment (#...) is not allowed")
	}
	if strings.Contains(u.Path, "//") {
		return nil, bad("the path must not contain empty segments (//)")
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, apiPath)
	p = strings.TrimSuffix(p, "/")
	out := &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: p + apiPath}
	return out, nil
}

// redactURLForError hides user information from a URL quoted in an error:
// https://user:secret@host must not leak the secret.
func redactURLForError(s string) string {
	at := strings.LastIndex(s, "@")
	schemeEnd := strings.Index(s, "://")
	if at < 0 || schemeEnd < 0 || at < schemeEnd {
		return s
	}
	slash := strings.Index(s[schemeEnd+3:], "/")
	if slash >= 0 && schemeEnd+3+slash < at {
		return s // the @ is in the path, not user information
	}
	return s[:schemeEnd+3] + "***@" + s[at+1:]
}
