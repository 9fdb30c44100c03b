package gitlabapi

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzNormalizeBaseURL: any string either normalises to an API root
// (http/https, a host, path ending in /api/v4, no query, fragment or user
// information; normalising it again changes nothing) or fails with an error
// that names base_url and never repeats a password written in the URL.
// The seed corpus in testdata/fuzz/FuzzNormalizeBaseURL runs with every
// `go test`.
func FuzzNormalizeBaseURL(f *testing.F) {
	for _, s := range []string{
		"https://gitlab.example.com", "https://gitlab.example.com/api/v4/", "http://127.0.0.1:8080",
		"https://example.com/gitlab", "gitlab.example.com", "ftp://x", "https://", "https://root:hunter2@host",
		"https://host/?private_token=x", "https://host/#frag", "https://host//api", "HTTPS://HOST:443/API/V4",
		"https://[::1]:8443/api/v4", "https://host:port", " https://host ", "mailto:a@b", "https://h/a@b/c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := NormalizeBaseURL(raw)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "base_url") {
				t.Fatalf("error %q does not start with base_url", msg)
			}
			if p, perr := url.Parse(strings.TrimSpace(raw)); perr == nil && p.User != nil {
				if pw, ok := p.User.Password(); ok && len(pw) >= 4 && !strings.Contains(p.Host+p.Path, pw) && strings.Contains(msg, pw) {
					t.Fatalf("error %q repeats the password of %q", msg, raw)
				}
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("%q: scheme %q", raw, u.Scheme)
		}
		if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q: normalised to %q with host %q, user %v, query %q, fragment %q", raw, u, u.Host, u.User, u.RawQuery, u.Fragment)
		}
		if !strings.HasSuffix(u.Path, "/api/v4") {
			t.Fatalf("%q: path %q does not end in /api/v4", raw, u.Path)
		}
		again, err := NormalizeBaseURL(u.String())
		if err != nil {
			t.Fatalf("%q normalised to %q, which is refused: %v", raw, u, err)
		}
		if again.String() != u.String() {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, u, again)
		}
	})
}

// FuzzMaskHidesSecrets: whatever surrounds it, a configured token, a
// per-call secret or a token-shaped string never survives the masker that
// filters everything the client logs or puts into an error.
func FuzzMaskHidesSecrets(f *testing.F) {
	f.Add("before ", " after", "glpat-ABCDEFGHIJ0123456789", "glrt-t2_abcdefghij0123456789")
	f.Add(`{"token":"`, `"}`, "configured-token-value", "per-call-secret")
	f.Add("token=", "&x=1", "x", "GR1348941aaaaaaaaaaaaaaaaaaaa")
	f.Fuzz(func(t *testing.T, prefix, suffix, token, secret string) {
		if !tokenAlphabet(token) || !tokenAlphabet(secret) {
			return // GitLab tokens are URL-safe; "*" is the mask itself
		}
		m := newMasker(token, nil)
		in := prefix + token + suffix + " " + secret + " " + token
		out := m.mask(in, secret)
		if token != "" && strings.Contains(out, token) {
			t.Fatalf("mask(%q) = %q still contains the token %q", in, out, token)
		}
		if len(secret) >= 4 && strings.Contains(out, secret) {
			t.Fatalf("mask(%q) = %q still contains the per-call secret %q", in, out, secret)
		}
		for _, re := range tokenPatterns {
			if loc := re.FindStringIndex(out); loc != nil {
				t.Fatalf("mask(%q) = %q still contains something token-shaped: %q", in, out, out[loc[0]:loc[1]])
			}
		}
	})
}

// tokenAlphabet reports whether s uses only the characters of GitLab tokens.
func tokenAlphabet(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_.", r):
		default:
			return false
		}
	}
	return true
}
