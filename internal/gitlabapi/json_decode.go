package gitlabapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// flexTime decodes GitLab's times robustly: null, "", RFC 3339 with or
// without fractional seconds ("2021-09-27T21:05:03.203Z"), and a few older
// or proxy-mangled layouts. A value it cannot read decodes as "unknown"
// (nil) rather than failing the whole answer: these times are informational.
type flexTime struct{ t *time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 MST",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

func (f *flexTime) UnmarshalJSON(b []byte) error {
	f.t = nil
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '"' {
		// null, or a number or object where a time belongs: unknown
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err // unreachable: the decoder hands over only valid JSON
	}
	f.t = parseTime(s)
	return nil
}

func parseTime(s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

// UnmarshalJSON decodes token_expires_at robustly.
func (r *RunnerToken) UnmarshalJSON(b []byte) error {
	type plain RunnerToken
	aux := struct {
		*plain
		TokenExpiresAt flexTime `json:"token_expires_at"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	r.TokenExpiresAt = aux.TokenExpiresAt.t
	return nil
}

// UnmarshalJSON decodes created_at robustly.
func (r *Runner) UnmarshalJSON(b []byte) error {
	type plain Runner
	aux := struct {
		*plain
		CreatedAt flexTime `json:"created_at"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	r.CreatedAt = aux.CreatedAt.t
	return nil
}

// UnmarshalJSON decodes contacted_at and created_at robustly; the token's
// expiry (token_expires_at, when the server sends it) decodes strictly
// (TokenExpiry).
func (r *RunnerDetails) UnmarshalJSON(b []byte) error {
	type plain RunnerDetails
	aux := struct {
		*plain
		ContactedAt flexTime `json:"contacted_at"`
		CreatedAt   flexTime `json:"created_at"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	r.ContactedAt, r.CreatedAt = aux.ContactedAt.t, aux.CreatedAt.t
	return nil
}

// UnmarshalJSON is called only for a key that is present. A token's expiry
// can make the provider rotate the token, so it is read strictly, unlike the
// informational times: null is a token without expiry; a full RFC 3339 time
// with an offset ("2026-12-12T10:00:00Z") is its expiry; anything else (a
// bare date, a time without offset, a number) is Malformed and leaves it
// unknown, rather than pretending the token never expires or expires at
// midnight.
func (e *TokenExpiry) UnmarshalJSON(b []byte) error {
	*e = TokenExpiry{}
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		e.Known = true
		return nil
	}
	// Not a failure of the whole answer: the expiry alone is unknown.
	e.At, e.Malformed = strictTime(b)
	e.Known = e.At != nil
	return nil
}

// strictTime reads a JSON string holding a full RFC 3339 time with an
// offset; otherwise it says why not.
func strictTime(b []byte) (*time.Time, string) {
	var s string
	if len(b) == 0 || b[0] != '"' || json.Unmarshal(b, &s) != nil {
		return nil, fmt.Sprintf("%s is not a time", clipKey(string(b)))
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Sprintf("%q is not a full RFC 3339 time with an offset", clipKey(s))
	}
	t = t.UTC()
	return &t, ""
}

// UnmarshalJSON decodes created_at and contacted_at robustly.
func (m *RunnerManager) UnmarshalJSON(b []byte) error {
	type plain RunnerManager
	aux := struct {
		*plain
		CreatedAt   flexTime `json:"created_at"`
		ContactedAt flexTime `json:"contacted_at"`
	}{plain: (*plain)(m)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	m.CreatedAt, m.ContactedAt = aux.CreatedAt.t, aux.ContactedAt.t
	return nil
}

// UnmarshalJSON records which keys the answer had.
func (g *Group) UnmarshalJSON(b []byte) error {
	type plain Group
	if err := json.Unmarshal(b, (*plain)(g)); err != nil {
		return err
	}
	g.keys = answerKeys(b)
	g.RunnersTokenVisible = g.keys["runners_token"]
	return nil
}

// UnmarshalJSON records which keys the answer had.
func (p *Project) UnmarshalJSON(b []byte) error {
	type plain Project
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	p.keys = answerKeys(b)
	p.RunnersTokenVisible = p.keys["runners_token"]
	return nil
}

// UnmarshalJSON records which settings the answer had.
func (s *ApplicationSettings) UnmarshalJSON(b []byte) error {
	type plain ApplicationSettings
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return err
	}
	s.keys = answerKeys(b)
	return nil
}

// answerKeys are the keys of a JSON object (none when it is not one).
func answerKeys(b []byte) map[string]bool {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m) // not an object: no keys
	keys := make(map[string]bool, len(m))
	for k := range m {
		keys[k] = true
	}
	return keys
}

// UnmarshalJSON decodes expires_at (a date) robustly.
func (t *AccessToken) UnmarshalJSON(b []byte) error {
	type plain AccessToken
	aux := struct {
		*plain
		ExpiresAt flexTime `json:"expires_at"`
	}{plain: (*plain)(t)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	t.ExpiresAt = aux.ExpiresAt.t
	return nil
}
