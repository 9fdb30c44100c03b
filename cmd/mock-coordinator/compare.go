package main

// mock-coordinator compare: the mock's fidelity against a GitLab
// (internal/mockcoordinator/compare).

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/compare"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testgitlab"
)

// Exit codes of compare.
const (
	compareSame      = 0 // no difference
	compareDiffer    = 1 // differences found
	compareCannotRun = 2 // bad flags or environment, GitLab unreachable, token refused
)

const compareUsage = `mock-coordinator compare: run one scripted scenario of runner API requests against a
GitLab and against an in-process mock coordinator emulating the version that GitLab
reports (GET /version), and print how the answers differ: status codes, keys, value
types, the values the scenario decides and error messages (ids, tokens, times and
addresses normalised). The scenario creates runners of each type (marked like the
live tests' runners, so that make sweep removes what an interrupted run leaves),
reads, lists, updates, resets tokens, verifies, assigns, reads settings and asks for
the common refusals, then deletes what it created.

Usage: mock-coordinator compare --against URL [--mock-version VERSION]

Environment: GITLAB_TOKEN (an administrator's token, api scope); optional
GITLABRUNNER_TEST_GROUP_ID (a top-level group the scenario may create runners in),
GITLABRUNNER_TEST_PROJECT_IDS (two or more projects in it) and
GITLABRUNNER_TEST_NON_ADMIN_TOKEN (for the permission refusals). Steps whose
setting is missing are left out and listed.

Exit status: 0 no difference, 1 differences, 2 could not run.

Flags:
`

// runCompare is `mock-coordinator compare`.
func runCompare(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mock-coordinator compare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	against := fs.String("against", "", "`URL` of the GitLab to compare with, e.g. https://gitlab.example.com")
	mockVersion := fs.String("mock-version", "", "GitLab `VERSION` for the mock to emulate instead of the one the GitLab reports (to see what changed between two releases)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = fmt.Fprint(stderr, compareUsage)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return compareSame
		}
		_, _ = fmt.Fprintf(stderr, "mock-coordinator compare: %v (see compare --help)\n", err)
		return compareCannotRun
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator compare: unexpected argument %q (see compare --help)\n", fs.Arg(0))
		return compareCannotRun
	}
	if *against == "" {
		_, _ = fmt.Fprintln(stderr, "mock-coordinator compare: flag --against URL is required (see compare --help)")
		return compareCannotRun
	}
	if *mockVersion != "" && !looksLikeVersion(*mockVersion) {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator compare: invalid value %q for flag --mock-version: allowed is MAJOR.MINOR.PATCH with an optional suffix, e.g. 17.4.1-ee\n", *mockVersion)
		return compareCannotRun
	}
	env := func(k string) string {
		if k == testgitlab.BaseURLEnv {
			return *against
		}
		return getenv(k)
	}
	if getenv(testgitlab.TokenEnv) == "" { // the URL is the flag's: name only the token
		_, _ = fmt.Fprintf(stderr, "mock-coordinator compare: set %s (an administrator's token with the api scope)\n", testgitlab.TokenEnv)
		return compareCannotRun
	}
	settings, err := testgitlab.Read(env)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator compare: %v\n", err)
		return compareCannotRun
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	rep, err := compare.Run(ctx, compare.Options{MockVersion: *mockVersion, GitLab: compare.Server{
		BaseURL: settings.BaseURL, AdminToken: settings.Token, NonAdminToken: settings.NonAdminToken,
		GroupID: settings.GroupID, ProjectIDs: settings.ProjectIDs, HTTP: &http.Client{Timeout: time.Minute},
	}})
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator compare: %v\n", err)
		return compareCannotRun
	}
	rep.Print(stdout)
	if len(rep.Differences) > 0 {
		return compareDiffer
	}
	return compareSame
}
