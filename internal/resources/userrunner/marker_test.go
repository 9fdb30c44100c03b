package userrunner

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
)

var (
	testKey   = []byte("0123456789abcdef0123456789abcdef")
	testScope = diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeGroup, GroupID: 12}
	testSent  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func testMarker(t *testing.T, description string) creationMarker {
	t.Helper()
	m, err := newCreationMarker(testKey, testScope, description, testSent, 11*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A marker reads back from the end of the description it was made for, and
// authenticates only with the key, scope and visible description it was
// made with.
func TestCreationMarkerAuthenticates(t *testing.T) {
	m := testMarker(t, "fleet r001")
	s := m.String()
	if !strings.HasPrefix(s, "[terraform-create:v2-1767225600-660-") || len(s) != len("[terraform-create:v2-1767225600-660-]")+16+1+32 {
		t.Fatalf("unexpected marker %q", s)
	}
	if other := testMarker(t, "fleet r001"); other.Nonce == m.Nonce {
		t.Fatalf("two markers share the nonce %s", m.Nonce)
	}
	visible, got, ok := parseMarkedDescription(markedDescription("fleet r001", m))
	if !ok || visible != "fleet r001" || got.String() != s || !got.Expires().Equal(testSent.Add(11*time.Minute)) {
		t.Fatalf("parse: %q %+v %v", visible, got, ok)
	}
	if !got.authentic(testKey, testScope, visible) {
		t.Fatal("the marker does not authenticate with what it was made with")
	}
	tampered := func(f func(*creationMarker)) creationMarker { c := got; f(&c); return c }
	for name, bad := range map[string]bool{
		"another key":         got.authentic([]byte("another key"), testScope, visible),
		"no key":              got.authentic(nil, testScope, visible),
		"another group":       got.authentic(testKey, diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeGroup, GroupID: 13}, visible),
		"a project":           got.authentic(testKey, diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeProject, ProjectID: 12}, visible),
		"another description": got.authentic(testKey, testScope, "prod fleet"),
		"earlier t":           tampered(func(c *creationMarker) { c.Sent = c.Sent.Add(-time.Hour) }).authentic(testKey, testScope, visible),
		"shorter life":        tampered(func(c *creationMarker) { c.Life = time.Second }).authentic(testKey, testScope, visible),
		"another nonce":       tampered(func(c *creationMarker) { c.Nonce = "0123456789abcdef" }).authentic(testKey, testScope, visible),
	} {
		if bad {
			t.Errorf("the marker authenticates with %s", name)
		}
	}
}

// Only a suffix in exactly the marker's form is a marker.
func TestOnlyAMarkerSuffixIsAMarker(t *testing.T) {
	s := testMarker(t, "x").String()
	for desc, want := range map[string]bool{
		s:                         true,
		"x " + s:                  true,
		"x" + s:                   false, // not after a space
		"x " + s + " y":           false, // in the middle
		"x " + s + " ":            false,
		"x " + strings.ToUpper(s): false,
		"x " + strings.Replace(s, "-660-", "-0660-", 1):    false, // not canonical
		"x " + strings.Replace(s, "v2-", "v3-", 1):         false,
		"prod fleet [terraform-create:1-0123456789abcdef]": false, // an earlier version's
	} {
		if _, _, ok := parseMarkedDescription(desc); ok != want {
			t.Errorf("parseMarkedDescription(%q) = %v, want %v", desc, ok, want)
		}
	}
	for desc, want := range map[string]bool{
		"prod fleet [terraform-create:1-0123456789abcdef]": true,
		"[terraform-create:0123456789abcdef]":              true,
		"a [terraform-create:1-0123456789abcdef] b":        false,
		"x " + s: false,
	} {
		if got := hasLegacyMarker(desc); got != want {
			t.Errorf("hasLegacyMarker(%q) = %v, want %v", desc, got, want)
		}
	}
}

// The marked description stays within GitLab's limit; the visible part is
// what the MAC covers and what a create with that description would write.
func TestMarkedDescription(t *testing.T) {
	m := testMarker(t, "web runners")
	if got := markedDescription("web runners", m); got != "web runners "+m.String() {
		t.Errorf("got %q", got)
	}
	empty := testMarker(t, "")
	if got := markedDescription("", empty); got != empty.String() {
		t.Errorf("empty description: got %q", got)
	}
	long := strings.Repeat("é", runnerattrs.MaxTextLength)
	lm := testMarker(t, long)
	got := markedDescription(long, lm)
	if n := utf8.RuneCountInString(got); n != runnerattrs.MaxTextLength || !strings.HasSuffix(got, " "+lm.String()) {
		t.Errorf("long description: %d characters", n)
	}
	visible, parsed, ok := parseMarkedDescription(got)
	if !ok || visible != visibleDescription(long, lm) || !parsed.authentic(testKey, testScope, visible) {
		t.Errorf("a shortened description does not authenticate")
	}
	o := &orphan{marker: &parsed, visible: visible}
	if !o.matches(long) || o.matches("x"+long[2:]) {
		t.Errorf("an orphan of a shortened description matches the wrong creates")
	}
}

func TestEndsWithMarker(t *testing.T) {
	s := testMarker(t, "x").String()
	for desc, want := range map[string]bool{
		"x " + s:                          true,
		"x [terraform-create:v2-1-2-3-4]": true,
		"x [terraform-create:1-0123456789abcdef]": false, // earlier versions' markers are text now
		"x " + s + " and more":                    false,
		"fleet":                                   false,
	} {
		if got := endsWithMarker(desc); got != want {
			t.Errorf("endsWithMarker(%q) = %v, want %v", desc, got, want)
		}
	}
}
