// Package testgitlab is the GitLab a maintainer points the project's own
// tests at (live mode of the acceptance tests, the sweeper, `mock-coordinator
// compare`): its settings from the environment, and the mark of what the
// tests create there, by which it is found again and deleted. It imports
// nothing of the project, so that the mock-coordinator binary and the test
// helpers (internal/acctest) share it.
package testgitlab

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The environment of live mode. GITLAB_BASE_URL and GITLAB_TOKEN are the
// provider's own variables; Main takes them out of this process's
// environment once it has read them, so that the provider under test sees
// exactly what each test's configuration says, as against the mock.
const (
	// LiveEnv switches live mode on ("1"); `make testacc-live` sets it.
	LiveEnv = "GITLABRUNNER_TEST_LIVE"
	// BaseURLEnv is the GitLab under test (https://gitlab.example.com).
	BaseURLEnv = "GITLAB_BASE_URL"
	// TokenEnv is a personal access token with the api scope; an
	// administrator's for the instance-level tests.
	TokenEnv = "GITLAB_TOKEN"
	// GroupIDEnv is a top-level group the tests may create runners in and
	// whose runner settings they may change (and restore).
	GroupIDEnv = "GITLABRUNNER_TEST_GROUP_ID"
	// ProjectIDsEnv is two or more comma-separated projects in that group.
	ProjectIDsEnv = "GITLABRUNNER_TEST_PROJECT_IDS"
	// NonAdminTokenEnv is a token (api scope) of a user who is neither an
	// administrator nor a member of the group, for the permission tests.
	NonAdminTokenEnv = "GITLABRUNNER_TEST_NON_ADMIN_TOKEN"
)

// LivePrefix starts the description of everything a live run creates:
// runners, runner controllers and their tokens. The whole mark is
// LivePrefix, the run's 8 hexadecimal digits and "-" (LiveRunPattern);
// cleanup and the sweeper act only on descriptions that start with it.
const LivePrefix = "gitlabrunner-acctest-"

// LiveRunPattern matches a description that a live run marked: it starts
// with LivePrefix and a run id. Nothing else is ever deleted by a live run,
// its cleanup or the sweeper.
var LiveRunPattern = regexp.MustCompile(`^` + regexp.QuoteMeta(LivePrefix) + `[0-9a-f]{8}-`)

// Settings is the GitLab of live mode, from the environment.
type Settings struct {
	BaseURL       string
	Token         string
	GroupID       int64   // 0: GITLABRUNNER_TEST_GROUP_ID not given
	ProjectIDs    []int64 // empty: GITLABRUNNER_TEST_PROJECT_IDS not given
	NonAdminToken string  // "": GITLABRUNNER_TEST_NON_ADMIN_TOKEN not given
}

// ReadLive reads the live-mode variables; nil (and no error) when
// live mode is off. Errors name the variable, its value (never a token's)
// and what is allowed.
func ReadLive(getenv func(string) string) (*Settings, error) {
	switch v := getenv(LiveEnv); v {
	case "", "0":
		return nil, nil
	case "1":
	default:
		return nil, fmt.Errorf("%s=%q: want 1 (live mode) or nothing", LiveEnv, v)
	}
	return Read(getenv)
}

// Read reads the GitLab of live mode from the environment
// whether live mode is on or not (the sweeper and the comparison use it).
func Read(getenv func(string) string) (*Settings, error) {
	s := &Settings{
		BaseURL:       strings.TrimRight(strings.TrimSpace(getenv(BaseURLEnv)), "/"),
		Token:         strings.TrimSpace(getenv(TokenEnv)),
		NonAdminToken: strings.TrimSpace(getenv(NonAdminTokenEnv)),
	}
	if s.BaseURL == "" || s.Token == "" {
		return nil, fmt.Errorf("set %s (the GitLab, e.g. https://gitlab.example.com) and %s (an administrator's token for the instance-level tests)",
			BaseURLEnv, TokenEnv)
	}
	if !strings.HasPrefix(s.BaseURL, "http://") && !strings.HasPrefix(s.BaseURL, "https://") {
		return nil, fmt.Errorf("%s=%q: want an http:// or https:// URL", BaseURLEnv, s.BaseURL)
	}
	s.BaseURL = strings.TrimSuffix(s.BaseURL, "/api/v4")
	if v := strings.TrimSpace(getenv(GroupIDEnv)); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("%s=%q: want the numeric id of a top-level group", GroupIDEnv, v)
		}
		s.GroupID = id
	}
	if v := strings.TrimSpace(getenv(ProjectIDsEnv)); v != "" {
		for _, part := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || id < 1 {
				return nil, fmt.Errorf("%s=%q: %q is not a project id; want two or more comma-separated numeric ids", ProjectIDsEnv, v, part)
			}
			s.ProjectIDs = append(s.ProjectIDs, id)
		}
		if len(s.ProjectIDs) < 2 {
			return nil, fmt.Errorf("%s=%q: want two or more comma-separated project ids (tests assign runners from one project to another)", ProjectIDsEnv, v)
		}
		if s.GroupID == 0 {
			return nil, fmt.Errorf("%s is set without %s: the projects must be in the tests' group", ProjectIDsEnv, GroupIDEnv)
		}
	}
	return s, nil
}

// Marked reports whether a description carries the mark of a live run and
// starts with prefix: the one rule of what a sweep may delete.
func Marked(description, prefix string) bool {
	return LiveRunPattern.MatchString(description) && strings.HasPrefix(description, prefix)
}
