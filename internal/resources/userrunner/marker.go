package userrunner

// The creation marker: what a create writes at the end of the runner's
// description until the create is finished, so that a runner whose create
// never finished can later be recognised — and proven to be this
// configuration's, which no text a person can write is.
//
//	<description> [terraform-create:v2-<t>-<life>-<nonce>-<mac>]
//
//   - t: when the create was sent, unix seconds on GitLab's clock as the
//     client estimates it from the Date headers of GitLab's answers;
//   - life: how long, in seconds from t, that create may still be working
//     on the runner (its time limit plus markerMargin);
//   - nonce: 16 random hex digits, naming the create;
//   - mac: 32 hex digits, HMAC-SHA256 (truncated to 128 bits) under a key
//     derived from the provider's GitLab token (gitlabapi.Client.DerivedKey),
//     over the version, the runner's scope, t, life, the nonce and the
//     visible description before the marker. Without the token nobody can
//     write a marker that authenticates; a marker copied onto another
//     description or into another scope does not authenticate.
//
// Only a suffix in exactly that form is a marker: a marker anywhere else in
// a description is text. Markers of earlier provider versions
// ("[terraform-create:<expiry>-<16 hex>]", "[terraform-create:<16 hex>]")
// cannot be authenticated: they are only reported.

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
)

const (
	creationMarkerPrefix = "[terraform-create:"
	// markerKeyPurpose names the key markers are authenticated with.
	markerKeyPurpose = "gitlabrunner creation marker v2"
	markerVersion    = "v2"
)

// markerSuffix matches a marker of this version at the end of a description,
// alone or after one space.
var markerSuffix = regexp.MustCompile(`(?:^| )\[terraform-create:v2-([1-9][0-9]{0,18})-([1-9][0-9]{0,9})-([0-9a-f]{16})-([0-9a-f]{32})\]$`)

// legacyMarkerSuffix matches a marker of an earlier provider version at the
// end of a description.
var legacyMarkerSuffix = regexp.MustCompile(`\[terraform-create:(?:[0-9]{1,19}-)?[0-9a-f]{16}\]$`)

// creationMarker is one create's marker.
type creationMarker struct {
	Sent  time.Time     // t: GitLab's time when the create was sent
	Life  time.Duration // from Sent, how long the create may be working
	Nonce string        // names the create
	MAC   string
}

// String is the marker as written into the description.
func (m creationMarker) String() string {
	return fmt.Sprintf("%s%s-%d-%d-%s-%s]", creationMarkerPrefix, markerVersion, m.Sent.Unix(), int64(m.Life/time.Second), m.Nonce, m.MAC)
}

// Expires is when no create can be working on the runner any more, on
// GitLab's clock.
func (m creationMarker) Expires() time.Time { return m.Sent.Add(m.Life) }

// newCreationMarker makes the marker of a create sent at t, in scope, of a
// runner with description.
func newCreationMarker(key []byte, scope diagnostics.RunnerScope, description string, t time.Time, life time.Duration) (creationMarker, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return creationMarker{}, err
	}
	m := creationMarker{Sent: time.Unix(t.Unix(), 0).UTC(), Life: life.Truncate(time.Second), Nonce: hex.EncodeToString(b),
		MAC: strings.Repeat("0", 32)} // the MAC's length decides how much of the description is visible
	m.MAC = m.mac(key, scope, visibleDescription(description, m))
	return m, nil
}

// mac authenticates the marker's fields with the scope and the visible
// description.
func (m creationMarker) mac(key []byte, scope diagnostics.RunnerScope, visible string) string {
	h := hmac.New(sha256.New, key)
	for _, part := range []string{markerVersion, scope.String(), strconv.FormatInt(m.Sent.Unix(), 10),
		strconv.FormatInt(int64(m.Life/time.Second), 10), m.Nonce, visible} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// authentic reports whether the marker was written by a provider holding
// key, for a runner of scope whose visible description is visible.
func (m creationMarker) authentic(key []byte, scope diagnostics.RunnerScope, visible string) bool {
	return len(key) > 0 && hmac.Equal([]byte(m.MAC), []byte(m.mac(key, scope, visible)))
}

// parseMarkedDescription splits a description ending with a marker of this
// version into the visible description and the marker; ok is false for any
// other description.
func parseMarkedDescription(description string) (visible string, m creationMarker, ok bool) {
	sub := markerSuffix.FindStringSubmatchIndex(description)
	if sub == nil {
		return "", creationMarker{}, false
	}
	field := func(i int) string { return description[sub[2*i]:sub[2*i+1]] }
	sec, err1 := strconv.ParseInt(field(1), 10, 64)
	life, err2 := strconv.ParseInt(field(2), 10, 64)
	if err1 != nil || err2 != nil {
		return "", creationMarker{}, false
	}
	m = creationMarker{Sent: time.Unix(sec, 0).UTC(), Life: time.Duration(life) * time.Second, Nonce: field(3), MAC: field(4)}
	if m.Sent.Unix() != sec { // beyond what a time holds
		return "", creationMarker{}, false
	}
	return description[:sub[0]], m, true
}

// hasLegacyMarker reports whether the description ends with a marker of an
// earlier provider version.
func hasLegacyMarker(description string) bool { return legacyMarkerSuffix.MatchString(description) }

// markedDescription appends the marker to the description, shortening the
// description if needed so the whole stays within GitLab's limit (the PUT
// that follows restores the full description). visibleDescription is the
// part before the marker.
func markedDescription(description string, m creationMarker) string {
	visible := visibleDescription(description, m)
	if visible == "" {
		return m.String()
	}
	return visible + " " + m.String()
}

// visibleDescription is what remains of description before the marker
// markedDescription appends.
func visibleDescription(description string, m creationMarker) string {
	room := runnerattrs.MaxTextLength - utf8.RuneCountInString(m.String()) - 1
	if utf8.RuneCountInString(description) > room {
		description = string([]rune(description)[:room])
	}
	return description
}

// endsWithMarker reports whether a configured description ends with
// something in the form of a marker of this version: the provider refuses
// such a description, since a runner that carries it would look like one
// left by a create.
func endsWithMarker(description string) bool {
	return strings.HasSuffix(description, "]") && strings.Contains(description, creationMarkerPrefix+markerVersion+"-")
}
