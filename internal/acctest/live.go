package acctest

// Live mode: the acceptance tests against a GitLab named by the environment
// instead of an in-process mock coordinator (`make testacc-live`).

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testgitlab"
)

// The settings of live mode live in internal/testgitlab, shared with the
// sweeper and `mock-coordinator compare`.
type LiveSettings = testgitlab.Settings

// The environment of live mode (testgitlab).
const (
	LiveEnv          = testgitlab.LiveEnv
	BaseURLEnv       = testgitlab.BaseURLEnv
	TokenEnv         = testgitlab.TokenEnv
	GroupIDEnv       = testgitlab.GroupIDEnv
	ProjectIDsEnv    = testgitlab.ProjectIDsEnv
	NonAdminTokenEnv = testgitlab.NonAdminTokenEnv
	LivePrefix       = testgitlab.LivePrefix
)

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
		liveSettings, liveErr = testgitlab.ReadLive(os.Getenv)
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
