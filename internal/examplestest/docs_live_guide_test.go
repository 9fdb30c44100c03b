package examplestest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// liveGuidePath is the maintainers' guide of live mode, sweep and compare.
const liveGuidePath = "docs/guides/testing-against-a-real-gitlab.md"

// TestAccCompareSnippets runs `mock-coordinator compare` as the README and the
// maintainers' guide write it, from a fresh clone, against a mock-coordinator
// process playing the GitLab (a token and an address replaced): both say "No
// difference." and exit 0. It then runs it against that process with
// another --mock-version, as the guide suggests, and checks that the guide's
// sample report has the form of the real one (its header, its step lines,
// the kinds of difference the guide lists, its summary).
func TestAccCompareSnippets(t *testing.T) {
	t.Parallel()
	acctest.CLIIndependent(t, "no Terraform runs: the commands are the mock coordinator's")
	readme := pageBlocks(t, "README.md", "compare")
	guide := pageBlocks(t, liveGuidePath, "compare", "compare-report")
	s := newDocSession(t)
	s.buildMock()
	outs := s.run(
		shellStep{name: "gitlab", script: `mock-coordinator --listen 127.0.0.1:0 --print-env --quiet > gitlab.env &
until grep -q '^# ready' gitlab.env 2>/dev/null; do sleep 0.1; done
. ./gitlab.env`},
		shellStep{name: "readme-compare", script: asWritten(t, readme["compare"],
			"glpat-…", `"$MOCK_ADMIN_TOKEN"`, "https://gitlab.example.com", `"$MOCK_BASE_URL"`)},
		shellStep{name: "guide-compare", script: asWritten(t, guide["compare"],
			"glpat-…", `"$MOCK_ADMIN_TOKEN"`, "https://gitlab.example.com", `"$MOCK_BASE_URL"`)},
		shellStep{name: "other-version", script: `./mock-coordinator compare --against "$MOCK_BASE_URL" --mock-version 16.11.0-ee || echo "exit $?"`},
		shellStep{name: "stop", script: `kill "$MOCK_PID"`},
	)
	for _, step := range []string{"readme-compare", "guide-compare"} {
		if !strings.Contains(outs[step], "\nNo difference.\n") {
			t.Errorf("%s: the identical servers differ:\n%s", step, outs[step])
		}
	}
	if !regexp.MustCompile(`(?m)^0$`).MatchString(outs["guide-compare"]) {
		t.Errorf("the guide's `echo $?` does not print 0:\n%s", outs["guide-compare"])
	}
	report := outs["other-version"]
	if !strings.Contains(report, "\nexit 1\n") {
		t.Fatalf("compare with --mock-version 16.11.0-ee: want exit 1 and differences:\n%s", report)
	}
	checkReportForm(t, "the guide's sample", guide["compare-report"])
	checkReportForm(t, "compare's real report", report)
}

// reportHeader, reportStep and reportDifference are the lines of compare's
// report; the kinds are those the guide explains under "Reading the report".
var (
	reportHeader     = regexp.MustCompile(`(?m)^GitLab \S+ compared with the mock coordinator emulating \S+: \d+ steps, \d+ compared$`)
	reportStep       = regexp.MustCompile(`(?m)^\S.* \((GET|POST|PUT|PATCH|DELETE) /\S*\)$`)
	reportDifference = regexp.MustCompile(`(?m)^  (status|message|(key|type of|value of|length of|header) (\S+|the answer)): `)
	reportSummary    = regexp.MustCompile(`(?m)^\d+ differences\.$`)
)

// checkReportForm: a report with differences has the header, at least one
// step, every line under a step is a difference of a kind the guide
// explains, and the summary.
func checkReportForm(t *testing.T, what, report string) {
	t.Helper()
	for _, re := range []*regexp.Regexp{reportHeader, reportStep, reportDifference, reportSummary} {
		if !re.MatchString(report) {
			t.Errorf("%s has no line %q:\n%s", what, re, report)
		}
	}
	inStep := false
	for _, line := range strings.Split(report, "\n") {
		switch {
		case reportStep.MatchString(line):
			inStep = true
		case strings.HasPrefix(line, "  ") && inStep && !reportDifference.MatchString(line):
			t.Errorf("%s: %q is not a difference of a kind the guide explains", what, line)
		case !strings.HasPrefix(line, "  "):
			inStep = false
		}
	}
}
