package compare

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNormalize(t *testing.T) {
	names := map[string]string{"42": "<runner:group>"}
	for _, tc := range []struct {
		key  string
		in   any
		want any
	}{
		{"id", json.Number("42"), "<runner:group>"},
		{"id", json.Number("7"), "<id>"},
		{"runner_id", json.Number("9"), "<id>"},
		{"maximum_timeout", json.Number("3600"), json.Number("3600")},
		{"token", "anything", "<token>"},
		{"runners_token", "GR1348941abc", "<token>"},
		{"description", "glrt-abcdefghij0123456789", "<token>"},
		{"created_at", "2026-01-01T00:00:00.000Z", "<time>"},
		{"contacted_at", "2026-01-01T00:00:00+01:00", "<time>"},
		{"ip_address", "203.0.113.7", "<ip>"},
		{"ip_address", "::1", "<ip>"},
		{"description", "build fleet", "build fleet"},
	} {
		if got := normalize(tc.key, tc.in, names); got != tc.want {
			t.Errorf("normalize(%q, %v) = %v, want %v", tc.key, tc.in, got, tc.want)
		}
	}
	if got := normalizeText("403 Forbidden - runner 42 has token glrt-secret0123456789abc, project 2147483647", names); got !=
		"403 Forbidden - runner <runner:group> has token <token>, project <unknown>" {
		t.Errorf("normalizeText = %q", got)
	}
}

func TestDifferences(t *testing.T) {
	st := step{name: "read", method: "GET", path: "/runners/1", values: []string{"paused", "id"}, headers: []string{"X-Next-Page"}}
	ex := func(status int, body, next string) exchange {
		h := http.Header{}
		if next != "" {
			h.Set("X-Next-Page", next)
		}
		return exchange{step: st, status: status, body: decode(t, body), header: h}
	}
	names := map[string]string{"5": "<runner:a>"}
	same := differences(ex(200, `{"id":5,"paused":true,"version":"18.6.0","created_at":"2026-01-01T00:00:00Z"}`, ""),
		ex(200, `{"id":5,"paused":true,"version":"17.0.0","created_at":"2025-01-01T00:00:00Z"}`, ""), names, names)
	if len(same) != 0 {
		t.Errorf("answers differing only where no value is compared: %v", same)
	}
	got := differences(
		ex(200, `{"id":5,"paused":true,"tags":["a"],"ip_address":"1.2.3.4","gone":1,"list":[{"x":1},{"x":2}]}`, "2"),
		ex(201, `{"id":5,"paused":false,"tags":"a","ip_address":null,"new":true,"list":[{"x":1}]}`, ""),
		names, names)
	var lines []string
	for _, d := range got {
		lines = append(lines, d.String())
	}
	want := []string{
		"status: GitLab 200, mock 201",
		`header X-Next-Page: GitLab "2", mock (none)`,
		"key gone: GitLab has it (number), mock has not",
		"type of ip_address: GitLab string, mock null",
		"length of list: GitLab 2, mock 1",
		"key new: GitLab has not, mock has it (boolean)",
		"value of paused: GitLab true, mock false",
		"type of tags: GitLab array, mock string",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("differences:\n  %s\nwant:\n  %s", strings.Join(lines, "\n  "), strings.Join(want, "\n  "))
	}
	msg := differences(ex(400, `{"message":{"access_level":["does not have a valid value"]}}`, ""),
		ex(400, `{"message":"400 Bad request - access_level does not have a valid value"}`, ""), names, names)
	if len(msg) != 1 || msg[0].What != "message" {
		t.Errorf("error messages: %v", msg)
	}
	skipped := differences(exchange{step: st, skipped: "needs a group"}, ex(200, `{}`, ""), names, names)
	if len(skipped) != 1 || !strings.Contains(skipped[0].GitLab, "not sent (needs a group)") {
		t.Errorf("a step sent to one side only: %v", skipped)
	}
}

// TestNamesOfOneNumber: groups, projects and runners are numbered apart, so
// one number can name a group and a runner on one side; an id compares
// equal when the names of its numbers share one, and a runner's creator (the
// server's own user) only by shape.
func TestNamesOfOneNumber(t *testing.T) {
	gNames, mNames := map[string]string{}, map[string]string{}
	addName(gNames, "12", "<group>")
	addName(gNames, "12", "<runner:instance>")
	addName(gNames, "12", "<group>")
	addName(mNames, "3", "<runner:instance>")
	addName(mNames, "1", "<group>")
	if gNames["12"] != "<group>|<runner:instance>" {
		t.Errorf("names of 12: %q", gNames["12"])
	}
	st := step{name: "read", method: "GET", path: "/runners/1", values: []string{"id"}}
	ex := func(body string) exchange { return exchange{step: st, status: 200, body: decode(t, body)} }
	if d := differences(ex(`{"id":12,"groups":[{"id":12}],"created_by":{"id":12,"username":"admin"}}`),
		ex(`{"id":3,"groups":[{"id":1}],"created_by":{"id":3,"username":"root"}}`), gNames, mNames); len(d) != 0 {
		t.Errorf("the same objects under colliding numbers: %v", d)
	}
	if d := differences(ex(`{"id":3}`), ex(`{"id":1}`), gNames, mNames); len(d) != 1 {
		t.Errorf("an unnamed id against the group shows no difference: %v", d)
	}
	if d := differences(ex(`{"id":12}`), ex(`{"id":7}`), gNames, mNames); len(d) != 1 {
		t.Errorf("a named id against an unnamed one shows no difference: %v", d)
	}
}
