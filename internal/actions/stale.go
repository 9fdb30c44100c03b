package actions

// When a runner is stale enough to delete: the judgement of
// gitlabrunner_delete_stale_runners, apart from any request so that every
// rule has a unit test. A runner is deleted only on GitLab's own evidence
// (its timestamps) measured against a "now" that neither a skewed clock nor
// a malformed answer can push forward; when in doubt it is kept, with the
// reason.

import (
	"fmt"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// gitlabStaleAfter is GitLab's STALE_TIMEOUT (app/models/ci/runner.rb,
// app/models/ci/runner_manager.rb: 7 days; older versions had 3 months, so a
// runner any GitLab reports stale is at least this old): a runner is stale
// when its creation and its last contact are both longer ago
// (app/models/concerns/ci/has_runner_status.rb).
const gitlabStaleAfter = 7 * 24 * time.Hour

// criterion is what makes a runner old enough to delete.
type criterion struct {
	// age: no contact, nor creation, within it. A manager contacted within
	// it keeps the runner too.
	age time.Duration
	// gitlabStale: GitLab must also report the runner stale (the mode
	// without older_than; age is then gitlabStaleAfter).
	gitlabStale bool
}

// verdict is the judgement on one runner.
type verdict struct {
	remove bool
	// doubt: kept although it may be old, because the evidence is missing
	// or contradictory; reported.
	doubt  bool
	reason string
}

func keep(format string, args ...any) verdict { return verdict{reason: fmt.Sprintf(format, args...)} }

func doubt(format string, args ...any) verdict {
	return verdict{doubt: true, reason: fmt.Sprintf(format, args...)}
}

// judge decides on runner d with its managers at now (carefulNow).
func judge(c criterion, d *gitlabapi.RunnerDetails, managers []gitlabapi.RunnerManager, now time.Time) verdict {
	if c.gitlabStale && d.Status != "stale" {
		return doubt("GitLab listed it as stale but now reports it %q", d.Status)
	}
	last, what := lastActivity(d.CreatedAt, d.ContactedAt)
	if last == nil {
		return doubt("GitLab shows neither its creation nor a contact, so its age is unknown")
	}
	if last.After(now) {
		return doubt("its %s (%s) is after GitLab's current time (%s): a skewed clock or a malformed answer",
			what, stamp(*last), stamp(now))
	}
	if age := now.Sub(*last); age <= c.age {
		if c.gitlabStale {
			// GitLab says stale, its own timestamps say not: trust neither.
			return doubt("GitLab reports it stale, but its %s (%s) is only %s ago", what, stamp(*last), span(age))
		}
		return keep("%s %s ago", what, span(age))
	}
	for _, m := range managers {
		if v, recent := managerKeeps(m, c.age, now); recent {
			return v
		}
	}
	return verdict{remove: true, reason: fmt.Sprintf("%s %s ago (%s)", what, span(now.Sub(*last)), stamp(*last))}
}

// lastActivity is the later of a runner's creation and last contact, as
// GitLab's stale rule counts (Ci::HasRunnerStatus#stale?), and what it is.
func lastActivity(created, contacted *time.Time) (*time.Time, string) {
	switch {
	case contacted == nil && created == nil:
		return nil, ""
	case contacted == nil:
		return created, "creation (never contacted)"
	case created != nil && created.After(*contacted):
		return created, "creation"
	default:
		return contacted, "last contact"
	}
}

// managerKeeps says whether manager m keeps the runner: contacted within
// age, or with no time to tell (recent is true then too).
func managerKeeps(m gitlabapi.RunnerManager, age time.Duration, now time.Time) (verdict, bool) {
	last, what := lastActivity(m.CreatedAt, m.ContactedAt)
	switch {
	case last == nil:
		return doubt("its runner manager %q shows neither its creation nor a contact", m.SystemID), true
	case last.After(now):
		return doubt("its runner manager %q has a %s (%s) after GitLab's current time (%s)", m.SystemID, what, stamp(*last), stamp(now)), true
	case now.Sub(*last) <= age:
		return doubt("its runner manager %q (a host using its token) had its %s %s ago, within %s",
			m.SystemID, what, span(now.Sub(*last)), span(age)), true
	}
	return verdict{}, false
}

// maxClockDifference is how far this machine's clock and GitLab's may
// differ before the action says so.
const maxClockDifference = time.Minute

// carefulNow is the "now" ages are counted to: the earlier of this
// machine's clock and GitLab's (the Date headers of its answers), so that
// neither clock running ahead makes a runner look older than it is. Without
// GitLab's clock the ages cannot be checked, and ok is false. note tells
// about a difference between the clocks.
func carefulNow(local, server time.Time, serverKnown bool) (now time.Time, ok bool, note string) {
	if !serverKnown {
		return time.Time{}, false, "GitLab's answers carried no Date header, so this machine's clock cannot be checked against " +
			"GitLab's: no age can be trusted, and nothing is deleted"
	}
	now = server
	if local.Before(server) {
		now = local
	}
	if diff := server.Sub(local).Abs(); diff > maxClockDifference {
		note = fmt.Sprintf("this machine's clock and GitLab's differ by %s; ages are counted to the earlier, %s", span(diff), stamp(now))
	}
	return now.UTC(), true, note
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// span reads a duration in whole units: "9d 2h", "3h 5m", "42s".
func span(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
	default:
		return d.Round(time.Second).String()
	}
}
