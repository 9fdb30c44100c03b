package gitlabapi

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeBaseURLAccepted(t *testing.T) {
	cases := map[string]string{
		"https://gitlab.example.com":              "https://gitlab.example.com/api/v4",
		"https://gitlab.example.com/":             "https://gitlab.example.com/api/v4",
		"https://gitlab.example.com/api/v4":       "https://gitlab.example.com/api/v4",
		"https://gitlab.example.com/api/v4/":      "https://gitlab.example.com/api/v4",
		"https://host/gitlab":                     "https://host/gitlab/api/v4",
		"https://host/gitlab/":                    "https://host/gitlab/api/v4",
		"https://host/gitlab/api/v4":              "https://host/gitlab/api/v4",
		"http://127.0.0.1:8080":                   "http://127.0.0.1:8080/api/v4",
		"  https://gitlab.example.com/api/v4/ \n": "https://gitlab.example.com/api/v4",
		"HTTPS://GitLab.Example.com":              "https://gitlab.example.com/api/v4",
		"https://[::1]:8443/":                     "https://[::1]:8443/api/v4",
	}
	for in, want := range cases {
		got, err := NormalizeBaseURL(in)
		if err != nil {
			t.Errorf("NormalizeBaseURL(%q): unexpected error %v", in, err)
			continue
		}
		if got.String() != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, want %q", in, got.String(), want)
		}
	}
}

func TestNormalizeBaseURLRejected(t *testing.T) {
	cases := []struct{ in, wantSub string }{
		{"ftp://x", `base_url "ftp://x" is not valid: the scheme must be http or https, as in https://gitlab.example.com`},
		{"gitlab.example.com", `base_url "gitlab.example.com" is not valid: the scheme is missing; it must be http or https`},
		{"", "base_url is empty"},
		{"   ", "base_url is empty"},
		{"https://", `base_url "https://" is not valid: a host is required`},
		{"https:///api/v4", "a host is required"},
		{"https://host/api/v4?private_token=x", "a query string (?...) is not allowed"},
		{"https://host/?", "a query string"},
		{"https://host/#frag", "a fragment (#...) is not allowed"},
		{"https://user:secret@host", "user information"},
		{"https://host:abc", "not valid"},
		{"mailto:someone@example.com", "not valid"},
		{"https://host//api/v4", "empty segments"},
		{"https://ho st", "not valid"},
	}
	for _, tc := range cases {
		_, err := NormalizeBaseURL(tc.in)
		if err == nil {
			t.Errorf("NormalizeBaseURL(%q): expected an error", tc.in)
			continue
		}
		if !errors.Is(err, ErrInvalidBaseURL) {
			t.Errorf("NormalizeBaseURL(%q) error %q does not match ErrInvalidBaseURL", tc.in, err)
		}
		if !strings.Contains(err.Error(), tc.wantSub) {
			t.Errorf("NormalizeBaseURL(%q) error = %q, want it to contain %q", tc.in, err, tc.wantSub)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("NormalizeBaseURL(%q) error leaks the password: %q", tc.in, err)
		}
	}
}

func TestWebURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://gitlab.example.com/api/v4/": "https://gitlab.example.com",
		"https://host/gitlab":                "https://host/gitlab",
	} {
		c, err := NewClient(Config{BaseURL: in})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.WebURL(); got != want {
			t.Errorf("WebURL for %q = %q, want %q", in, got, want)
		}
		if got := c.BaseURL().String(); got != want+"/api/v4" {
			t.Errorf("BaseURL for %q = %q", in, got)
		}
		c.BaseURL().Path = "/mutated"
		if c.BaseURL().Path == "/mutated" {
			t.Error("BaseURL must return a copy")
		}
	}
}

// NewClient's error for an unusable base URL matches ErrInvalidBaseURL, so
// the provider can point at base_url; other setting errors do not.
func TestNewClientBaseURLError(t *testing.T) {
	_, err := NewClient(Config{BaseURL: "ftp://gitlab.example.com"})
	if !errors.Is(err, ErrInvalidBaseURL) || !strings.Contains(err.Error(), `base_url "ftp://gitlab.example.com"`) {
		t.Errorf("bad base_url: got %v", err)
	}
	_, err = NewClient(Config{BaseURL: "https://gitlab.example.com", Headers: map[string]string{"Bad Name": "x"}})
	if err == nil || errors.Is(err, ErrInvalidBaseURL) {
		t.Errorf("bad header: got %v, want an error that is not ErrInvalidBaseURL", err)
	}
}
