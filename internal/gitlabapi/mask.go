package gitlabapi

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

const maskText = "***"

// tokenPatterns match anything that looks like a GitLab secret, whether or
// not it is the configured token: runner authentication tokens (glrt-,
// glrtr-, legacy t1_…), personal/project/group access tokens (glpat-) and
// the other gl…- prefixed tokens, and registration tokens (GR1348941…).
var tokenPatterns = []*regexp.Regexp{
	regexp.MustCompile(`gl(?:pat|rtr|rt|ptt|dt|ft|soat|cbt|oas|imt|agent|ffct|wt|ct|sat|oat)-[0-9A-Za-z_.\-]{4,}`),
	regexp.MustCompile(`\bt[0-9]_[0-9A-Za-z_\-]{10,}`),
	regexp.MustCompile(`GR1348941[0-9A-Za-z_\-]+`),
}

// jsonSecretField matches JSON members whose key names a secret, e.g.
// "token":"…", "runners_token":"…", "private_token": "…".
var jsonSecretField = regexp.MustCompile(`("(?:[A-Za-z_]*_)?(?:token|password|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// formSecretField matches token=… in query strings or form bodies.
var formSecretField = regexp.MustCompile(`(?i)\b((?:[a-z_]*_)?token=)[^&\s"]+`)

// secretHeaderNames are never logged with their value.
var secretHeaderNames = map[string]bool{
	"Private-Token":       true,
	"Authorization":       true,
	"Runner-Token":        true,
	"Job-Token":           true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"Proxy-Authorization": true,
}

// masker hides secrets in anything the client logs or puts in an error.
type masker struct {
	literals []string // exact secret values (configured token, auth-like custom header values)
	custom   map[string]bool
}

func newMasker(token string, extra http.Header) *masker {
	m := &masker{custom: map[string]bool{}}
	if token != "" {
		m.literals = append(m.literals, token)
	}
	for k, vs := range extra {
		m.custom[k] = true
		if !authLikeHeader(k) {
			continue
		}
		for _, v := range vs {
			if len(v) >= 6 {
				m.literals = append(m.literals, v)
			}
		}
	}
	// Longest first so that a secret containing another is replaced whole.
	sort.Slice(m.literals, func(i, j int) bool { return len(m.literals[i]) > len(m.literals[j]) })
	return m
}

func authLikeHeader(name string) bool {
	l := strings.ToLower(name)
	for _, w := range []string{"auth", "token", "key", "secret", "pass", "cookie", "session", "credential"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// mask replaces secrets in s: the configured ones, extraSecrets (e.g. a
// runner token passed to one call) and anything token-shaped.
func (m *masker) mask(s string, extraSecrets ...string) string {
	if s == "" {
		return s
	}
	for _, lit := range extraSecrets {
		if len(lit) >= 4 {
			s = strings.ReplaceAll(s, lit, maskText)
		}
	}
	for _, lit := range m.literals {
		s = strings.ReplaceAll(s, lit, maskText)
	}
	s = jsonSecretField.ReplaceAllString(s, `$1"`+maskText+`"`)
	s = formSecretField.ReplaceAllString(s, `${1}`+maskText)
	for _, re := range tokenPatterns {
		s = re.ReplaceAllString(s, maskText)
	}
	return s
}

// redactor masks by shape only: it knows no configured secret.
var redactor = newMasker("", nil)

// RedactSecrets replaces anything that looks like a GitLab secret in s
// (token-shaped values, and the values of "token"/"password"/"secret" JSON
// members and token= parameters) with ***. The client already masks what it
// returns; callers use this as a second line of defence on text they build
// from errors, so that no diagnostic ever shows a token.
func RedactSecrets(s string) string { return redactor.mask(s) }

// headersForLog renders headers with secret and user-supplied values masked.
func (m *masker) headersForLog(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		if secretHeaderNames[ck] || m.custom[ck] || authLikeHeader(ck) {
			out[ck] = maskText
			continue
		}
		out[ck] = m.mask(strings.Join(vs, ", "))
	}
	return out
}
