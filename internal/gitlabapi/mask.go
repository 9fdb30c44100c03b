package gitlabapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

const maskText = "***"

// Masking is by value first, then by shape:
//
//   - by value: every secret this process has seen — the configured token,
//     the values of custom headers, and every token decoded from an answer
//     whatever its JSON key's case or escaping (Go's JSON decoding matches
//     keys case-insensitively, so {"TOKEN": …} fills a token field too) —
//     is replaced wherever it appears, whatever its shape;
//   - by shape: anything that looks like a GitLab secret, and the values of
//     JSON members and form parameters named like one.

// minLearnedSecret is the shortest value learned from an answer or a header,
// and minConfiguredToken the shortest configured token masked by value
// process-wide: shorter ones would mask ordinary words in every message (and
// are no GitLab token; the client still never logs its own headers).
const (
	minLearnedSecret   = 8
	minConfiguredToken = 6
)

// tokenPatterns match anything that looks like a GitLab secret, whether or
// not it is the configured token: runner authentication tokens (glrt-,
// glrtr-, legacy t1_…), runner controller tokens (glrct-),
// personal/project/group access tokens (glpat-) and the other gl…- prefixed
// tokens, and registration tokens (GR1348941…).
var tokenPatterns = []*regexp.Regexp{
	regexp.MustCompile(`gl(?:pat|rtr|rct|rt|ptt|dt|ft|soat|cbt|oas|imt|agent|ffct|wt|ct|sat|oat)-[0-9A-Za-z_.\-]{4,}`),
	regexp.MustCompile(`\bt[0-9]_[0-9A-Za-z_\-]{10,}`),
	regexp.MustCompile(`GR1348941[0-9A-Za-z_\-]+`),
}

// jsonSecretField matches JSON members whose key names a secret, in any
// case, e.g. "token":"…", "runners_token":"…", "Private_Token": "…".
var jsonSecretField = regexp.MustCompile(`(?i)("(?:[a-z_]*_)?(?:token|password|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

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

// secretSet holds secret values and replaces them in text. One replacer
// does all of them in a single pass; it is rebuilt when the set grows.
type secretSet struct {
	mu       sync.RWMutex
	values   map[string]bool
	replacer *strings.Replacer // nil: rebuild before use
}

// seenSecrets is every secret this process has seen (see above). It is
// process-wide so that RedactSecrets, which knows no client, masks them too.
var seenSecrets = &secretSet{values: map[string]bool{}}

// add records secrets; values shorter than minLen are ignored.
func (s *secretSet) add(minLen int, values ...string) {
	for _, v := range values {
		if len(v) < minLen || len(v) == 0 {
			continue
		}
		s.mu.RLock()
		known := s.values[v]
		s.mu.RUnlock()
		if known {
			continue
		}
		s.mu.Lock()
		if !s.values[v] {
			s.values[v] = true
			s.replacer = nil
		}
		s.mu.Unlock()
	}
}

// replace masks every known secret in text.
func (s *secretSet) replace(text string) string {
	if text == "" {
		return text
	}
	s.mu.RLock()
	r, n := s.replacer, len(s.values)
	s.mu.RUnlock()
	if n == 0 {
		return text
	}
	if r == nil {
		s.mu.Lock()
		if s.replacer == nil {
			vals := make([]string, 0, len(s.values))
			for v := range s.values {
				vals = append(vals, v)
			}
			// Longest first, so that a secret containing another is replaced whole.
			sort.Slice(vals, func(i, j int) bool {
				return len(vals[i]) > len(vals[j]) || len(vals[i]) == len(vals[j]) && vals[i] < vals[j]
			})
			pairs := make([]string, 0, 2*len(vals))
			for _, v := range vals {
				pairs = append(pairs, v, maskText)
			}
			s.replacer = strings.NewReplacer(pairs...)
		}
		r = s.replacer
		s.mu.Unlock()
	}
	return r.Replace(text)
}

// LearnSecret records a secret the caller obtained outside an answer body,
// so that it is masked from now on wherever it appears.
func LearnSecret(value string) { seenSecrets.add(minLearnedSecret, value) }

// masker hides secrets in anything the client logs or puts in an error.
type masker struct {
	literals []string // the configured secrets (token, custom header values); the longer ones also in seenSecrets
	custom   map[string]bool
}

func newMasker(token string, extra http.Header) *masker {
	m := &masker{custom: map[string]bool{}}
	if token != "" {
		m.literals = append(m.literals, token)
		seenSecrets.add(minConfiguredToken, token)
	}
	for k, vs := range extra {
		m.custom[k] = true
		for _, v := range vs {
			if len(v) >= minLearnedSecret {
				m.literals = append(m.literals, v)
				seenSecrets.add(minLearnedSecret, v)
			}
		}
	}
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

// mask replaces secrets in s: extraSecrets (e.g. a runner token passed to
// one call), every secret seen so far, and anything token-shaped.
func (m *masker) mask(s string, extraSecrets ...string) string {
	if s == "" {
		return s
	}
	for _, lit := range extraSecrets {
		if len(lit) >= 4 {
			s = strings.ReplaceAll(s, lit, maskText)
		}
	}
	s = seenSecrets.replace(s)
	for _, lit := range m.literals { // this client's own, however short
		s = strings.ReplaceAll(s, lit, maskText)
	}
	s = jsonSecretField.ReplaceAllString(s, `$1"`+maskText+`"`)
	s = formSecretField.ReplaceAllString(s, `${1}`+maskText)
	for _, re := range tokenPatterns {
		s = re.ReplaceAllString(s, maskText)
	}
	return s
}

// maskBody renders a request or response body for the trace log. A JSON
// body is decoded and written again with the values of secret-named
// members replaced, so that no escaping (of a key or of a value) can hide a
// secret from the masks; then it is masked like any text, and truncated.
func (m *masker) maskBody(body []byte, extraSecrets ...string) string {
	text := string(body)
	if normalized, ok := rewriteJSON(body, func(string) {}); ok {
		text = string(normalized)
	}
	return truncateForLog([]byte(m.mask(text, extraSecrets...)))
}

// redactor masks with the secrets seen so far and by shape: it knows no
// configured secret of its own.
var redactor = newMasker("", nil)

// RedactSecrets replaces every secret this process has seen (the configured
// token, custom header values, tokens from GitLab's answers) and anything
// that looks like a GitLab secret in s (token-shaped values, and the values
// of "token"/"password"/"secret" JSON members and token= parameters) with
// ***. The client already masks what it returns; callers use this as a
// second line of defence on text they build from errors, so that no
// diagnostic ever shows a token.
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

// learnSecrets records the values of the secret-named members of a JSON
// answer (see secretKey).
func learnSecrets(body []byte) {
	if !mayNameSecret(body) {
		return
	}
	rewriteJSON(body, func(v string) { seenSecrets.add(minLearnedSecret, v) })
}

// secretKeyEnds are the ends of the names secretKey matches, with the quote
// that closes a JSON key after them.
var secretKeyEnds = [][]byte{[]byte(`token"`), []byte(`password"`), []byte(`secret"`)}

// mayNameSecret is false only when body cannot hold a member secretKey
// names, so that most answers (a runner's details) are not walked token by
// token: when body is plain ASCII without escapes, a key is spelled in it as
// it reads and folds as ASCII does, and a secret's key ends in one of
// secretKeyEnds, in some case. Anything else (an escape, a byte beyond
// ASCII, such an end anywhere, also inside a value) may.
func mayNameSecret(body []byte) bool {
	for _, c := range body {
		if c >= utf8.RuneSelf || c == '\\' {
			return true
		}
	}
	lower := bytes.ToLower(body)
	for _, end := range secretKeyEnds {
		if bytes.Contains(lower, end) {
			return true
		}
	}
	return false
}

// secretKey reports a JSON member name that holds a secret: token,
// password or secret, alone or after a prefix ending in "_" (runners_token,
// private_token), in any case. The name is folded the way Go's JSON
// decoding matches keys (so "toKen" with a Kelvin sign counts as "token").
func secretKey(name string) bool {
	k := strings.ToLower(strings.ToUpper(name))
	for _, w := range []string{"token", "password", "secret"} {
		if rest, ok := strings.CutSuffix(k, w); ok && (rest == "" || strings.HasSuffix(rest, "_")) {
			return true
		}
	}
	return false
}

// rewriteJSON writes body again as compact JSON, keeping the members'
// order, with the string value of every secret-named member replaced by
// *** and handed to onSecret. ok is false when body is not one JSON value.
func rewriteJSON(body []byte, onSecret func(string)) (out []byte, ok bool) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') || !json.Valid(trimmed) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var buf bytes.Buffer
	tok, err := dec.Token()
	if err != nil || writeJSONValue(dec, tok, &buf, false, onSecret) != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

func writeJSONValue(dec *json.Decoder, tok json.Token, buf *bytes.Buffer, secret bool, onSecret func(string)) error {
	switch v := tok.(type) {
	case json.Delim:
		closing := json.Delim('}')
		if v == '[' {
			closing = ']'
		}
		buf.WriteRune(rune(v))
		for first := true; dec.More(); first = false {
			if !first {
				buf.WriteByte(',')
			}
			memberSecret := false
			if v == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				name, _ := key.(string)
				writeJSONString(buf, name)
				buf.WriteByte(':')
				memberSecret = secretKey(name)
			}
			next, err := dec.Token()
			if err != nil {
				return err
			}
			if err := writeJSONValue(dec, next, buf, memberSecret, onSecret); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		buf.WriteRune(rune(closing))
	case string:
		if secret {
			onSecret(v)
			v = maskText
		}
		writeJSONString(buf, v)
	case json.Number:
		buf.WriteString(v.String())
	case bool:
		if v {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case nil:
		buf.WriteString("null")
	}
	return nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	buf.Truncate(buf.Len() - 1) // Encode's newline
}
