package actions

import (
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) *time.Time { t := now.Add(-d); return &t }

const day = 24 * time.Hour

func runner(status string, created, contacted *time.Time) *gitlabapi.RunnerDetails {
	d := &gitlabapi.RunnerDetails{ContactedAt: contacted}
	d.Status, d.CreatedAt = status, created
	return d
}

func manager(systemID string, created, contacted *time.Time) gitlabapi.RunnerManager {
	return gitlabapi.RunnerManager{SystemID: systemID, CreatedAt: created, ContactedAt: contacted}
}

func TestJudge(t *testing.T) {
	stale := criterion{age: gitlabStaleAfter, gitlabStale: true}
	month := criterion{age: 30 * day}
	for _, tc := range []struct {
		name     string
		c        criterion
		d        *gitlabapi.RunnerDetails
		managers []gitlabapi.RunnerManager
		remove   bool
		doubt    bool
		reason   string
	}{
		{"stale, contacted 9 days ago", stale, runner("stale", ago(40*day), ago(9*day)), nil, true, false, "last contact 9d 0h ago"},
		{"stale, never contacted", stale, runner("stale", ago(8*day), nil), nil, true, false, "creation (never contacted) 8d 0h ago"},
		{"GitLab no longer says stale", stale, runner("online", ago(40*day), ago(9*day)), nil, false, true, `now reports it "online"`},
		{"GitLab says stale, timestamps say not", stale, runner("stale", ago(40*day), ago(2*day)), nil, false, true, "only 2d 0h ago"},
		{"a manager contacted an hour ago", stale, runner("stale", ago(40*day), ago(9*day)),
			[]gitlabapi.RunnerManager{manager("old", ago(30*day), ago(20*day)), manager("s_live", ago(9*day), ago(time.Hour))},
			false, true, `manager "s_live" (a host using its token) had its last contact 1h 0m ago`},
		{"managers all older", stale, runner("stale", ago(40*day), ago(9*day)),
			[]gitlabapi.RunnerManager{manager("old", ago(30*day), ago(20*day))}, true, false, "last contact 9d 0h ago"},
		{"a manager without times", stale, runner("stale", ago(40*day), ago(9*day)),
			[]gitlabapi.RunnerManager{manager("odd", nil, nil)}, false, true, `manager "odd" shows neither`},
		{"a manager contact in the future", stale, runner("stale", ago(40*day), ago(9*day)),
			[]gitlabapi.RunnerManager{manager("skewed", ago(30*day), ago(-time.Hour))}, false, true, "after GitLab's current time"},
		{"no times at all (GitLab before 18.0, never contacted)", month, runner("never_contacted", nil, nil), nil, false, true, "age is unknown"},
		{"contact in the future", month, runner("online", ago(40*day), ago(-2*day)), nil, false, true, "after GitLab's current time"},
		{"created after its last contact counts from creation", month, runner("offline", ago(10*day), ago(40*day)), nil, false, false, "creation 10d 0h ago"},
		{"older than the age", month, runner("stale", ago(90*day), ago(31*day)), nil, true, false, "last contact 31d 0h ago"},
		{"younger than the age", month, runner("stale", ago(90*day), ago(29*day)), nil, false, false, "last contact 29d 0h ago"},
		{"exactly the age is kept", month, runner("stale", ago(90*day), ago(30*day)), nil, false, false, "last contact 30d 0h ago"},
		{"a manager within the age keeps it", month, runner("stale", ago(90*day), ago(31*day)),
			[]gitlabapi.RunnerManager{manager("m", ago(60*day), ago(29*day))}, false, true, "within 30d 0h"},
	} {
		v := judge(tc.c, tc.d, tc.managers, now)
		if v.remove != tc.remove || v.doubt != tc.doubt || !strings.Contains(v.reason, tc.reason) {
			t.Errorf("%s: remove %v doubt %v %q; want remove %v doubt %v, a reason with %q", tc.name, v.remove, v.doubt, v.reason, tc.remove, tc.doubt, tc.reason)
		}
	}
}

func TestCarefulNow(t *testing.T) {
	// Either clock running ahead does not age runners: the earlier counts.
	for _, tc := range []struct {
		name          string
		local, server time.Time
		want          time.Time
		note          string
	}{
		{"agreeing clocks", now, now.Add(20 * time.Second), now, ""},
		{"this machine ahead by a month", now.Add(30 * day), now, now, "differ by 30d 0h"},
		{"GitLab's Date ahead by a year", now, now.Add(365 * day), now, "differ by 365d 0h"},
	} {
		got, ok, note := carefulNow(tc.local, tc.server, true)
		if !ok || !got.Equal(tc.want) || !strings.Contains(note, tc.note) || (tc.note == "") != (note == "") {
			t.Errorf("%s: %v %v %q, want %v and a note with %q", tc.name, got, ok, note, tc.want, tc.note)
		}
	}
	if _, ok, note := carefulNow(now, time.Time{}, false); ok || !strings.Contains(note, "nothing is deleted") {
		t.Errorf("without GitLab's clock: ok %v %q, want not ok", ok, note)
	}
}
