package acctest

// Live mode: the acceptance tests against a GitLab named by the environment
// instead of an in-process mock coordinator (`make testacc-live`).

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
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

// LiveSettings is the GitLab of live mode, from the environment.
type LiveSettings struct {
	BaseURL       string
	Token         string
	GroupID       int64   // 0: GITLABRUNNER_TEST_GROUP_ID not given
	ProjectIDs    []int64 // empty: GITLABRUNNER_TEST_PROJECT_IDS not given
	NonAdminToken string  // "": GITLABRUNNER_TEST_NON_ADMIN_TOKEN not given
}

// ReadLiveSettings reads the live-mode variables; nil (and no error) when
// live mode is off. Errors name the variable, its value (never a token's)
// and what is allowed.
func ReadLiveSettings(getenv func(string) string) (*LiveSettings, error) {
	switch v := getenv(LiveEnv); v {
	case "", "0":
		return nil, nil
	case "1":
	default:
		return nil, fmt.Errorf("%s=%q: want 1 (live mode) or nothing", LiveEnv, v)
	}
	s := &LiveSettings{
		BaseURL:       strings.TrimRight(strings.TrimSpace(getenv(BaseURLEnv)), "/"),
		Token:         strings.TrimSpace(getenv(TokenEnv)),
		NonAdminToken: strings.TrimSpace(getenv(NonAdminTokenEnv)),
	}
	if s.BaseURL == "" || s.Token == "" {
		return nil, fmt.Errorf("live mode (%s=1) needs %s (the GitLab, e.g. https://gitlab.example.com) and %s (an administrator's token for the instance-level tests)",
			LiveEnv, BaseURLEnv, TokenEnv)
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

var (
	liveOnce     sync.Once
	liveSettings *LiveSettings
	liveErr      error
	runPrefix    string
	testSeq      struct {
		sync.Mutex
		n int
	}
)

// live returns the settings of live mode (nil when it is off), read once.
func live() (*LiveSettings, error) {
	liveOnce.Do(func() {
		liveSettings, liveErr = ReadLiveSettings(os.Getenv)
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		runPrefix = LivePrefix + hex.EncodeToString(b) + "-"
	})
	return liveSettings, liveErr
}

// IsLive reports whether this run is in live mode.
func IsLive() bool {
	s, err := live()
	return s != nil || err != nil
}

// RunPrefix is the mark of everything this process creates in live mode:
// LivePrefix and the run's id ("gitlabrunner-acctest-1a2b3c4d-").
func RunPrefix() string {
	_, _ = live()
	return runPrefix
}

// nextTestPrefix is the prefix of one test's objects: the run's prefix and
// the test's number in this process ("gitlabrunner-acctest-1a2b3c4d-007-").
func nextTestPrefix() string {
	testSeq.Lock()
	defer testSeq.Unlock()
	testSeq.n++
	return fmt.Sprintf("%s%03d-", RunPrefix(), testSeq.n)
}

// skipLive is the one way a test, subtest or step says it does not run in
// live mode: every message starts with "live mode: ", which the report of
// `make testacc-live` collects.
func skipLive(t testingTB, what string) {
	t.Helper()
	t.Skip("live mode: " + what)
}

// testingTB is the part of testing.TB the live-mode helpers use.
type testingTB interface {
	Helper()
	Skip(args ...any)
	Logf(format string, args ...any)
}
