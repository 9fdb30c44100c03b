package gitlabapi

import (
	"fmt"
	"strconv"
	"strings"
)

// MajorMinor is the major and minor number of a GitLab version: what decides
// which endpoints and settings a server has.
type MajorMinor struct {
	Major, Minor int
}

// ParseMajorMinor reads a version as GET /version reports it ("17.4.1-ee",
// "16.11.0-pre", "17.4-rc1", "15.10pre.1"): the major number, a dot, and the
// digits that start the minor part. Anything else is not a version (false).
func ParseMajorMinor(raw string) (MajorMinor, bool) {
	parts := strings.SplitN(strings.TrimSpace(raw), ".", 3)
	if len(parts) < 2 {
		return MajorMinor{}, false
	}
	minorDigits := parts[1]
	if i := strings.IndexFunc(minorDigits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minorDigits = minorDigits[:i]
	}
	major, ok1 := digits(parts[0])
	minor, ok2 := digits(minorDigits)
	if !ok1 || !ok2 {
		return MajorMinor{}, false
	}
	return MajorMinor{Major: major, Minor: minor}, true
}

// digits parses a non-empty run of decimal digits (no sign, no spaces).
func digits(s string) (int, bool) {
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// MajorMinor parses the server's version; see ParseMajorMinor.
func (v *Version) MajorMinor() (MajorMinor, bool) { return ParseMajorMinor(v.Version) }

// AtLeast reports whether v >= major.minor.
func (v MajorMinor) AtLeast(major, minor int) bool {
	if v.Major != major {
		return v.Major > major
	}
	return v.Minor >= minor
}

func (v MajorMinor) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Requirement is the GitLab a feature needs: at least Major.Minor, and the
// Enterprise Edition when Enterprise is set. The zero Requirement is met by
// every server.
type Requirement struct {
	Major, Minor int
	Enterprise   bool
}

// IsZero reports whether every server meets q.
func (q Requirement) IsZero() bool { return q == Requirement{} }

// String reads "GitLab 17.0 or later" or "GitLab Enterprise Edition 18.10 or later".
func (q Requirement) String() string {
	edition := ""
	if q.Enterprise {
		edition = " Enterprise Edition"
	}
	return fmt.Sprintf("GitLab%s %d.%d or later", edition, q.Major, q.Minor)
}

// MetBy reports whether the server v meets q; ok is false when v's version
// cannot be read.
func (q Requirement) MetBy(v *Version) (met, ok bool) {
	mm, ok := v.MajorMinor()
	if !ok {
		return false, false
	}
	return mm.AtLeast(q.Major, q.Minor) && (!q.Enterprise || v.Enterprise), true
}
