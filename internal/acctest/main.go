package acctest

import (
	"fmt"
	"os"
	"testing"
)

// Main runs a package's tests with the acceptance-test environment settled;
// every package with acceptance tests calls it from its TestMain:
//
//	func TestMain(m *testing.M) { acctest.Main(m) }
//
// On OpenTofu, configurations without required_providers resolve to
// registry.opentofu.org, so the in-process provider is announced there too
// (otherwise OpenTofu would try to download it). A CLI configuration file
// that does not exist is dropped (a user's real one could install mirrors or
// overrides; tests use none), and Terraform never looks for updates. The
// journal of creates of the providers the tests run (userrunner.JournalDirEnv)
// goes to a directory of this test process, removed at its end, not to the
// user's cache.
//
// In live mode (live.go) it reads the live settings first and takes
// GITLAB_BASE_URL and GITLAB_TOKEN out of the environment, so that the
// provider under test sees only what each configuration says; after the
// tests it sweeps what this run's tests left (their cleanups should have).
func Main(m *testing.M) {
	if s, err := live(); err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		os.Exit(2)
	} else if s != nil {
		_ = os.Unsetenv(BaseURLEnv)
		_ = os.Unsetenv(TokenEnv)
	}
	if isOpenTofu(os.Getenv("TF_ACC_TERRAFORM_PATH"), "") && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	if os.Getenv("CHECKPOINT_DISABLE") == "" {
		_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	}
	if os.Getenv(journalDirEnv) == "" {
		if dir, err := os.MkdirTemp("", "gitlabrunner-journal-"); err == nil {
			_ = os.Setenv(journalDirEnv, dir)
			code := m.Run()
			sweepRun()
			_ = os.RemoveAll(dir)
			os.Exit(code)
		}
	}
	code := m.Run()
	sweepRun()
	os.Exit(code)
}

// journalDirEnv is userrunner.JournalDirEnv (acctest cannot import the
// resources, whose tests import it).
const journalDirEnv = "GITLABRUNNER_CREATE_JOURNAL_DIR"
