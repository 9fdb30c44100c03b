package acctest

import (
	"fmt"
	"os"
	"testing"
)

// CLIIndependentEnv is the environment variable that says whether this run
// of the acceptance suite runs the tests declared CLIIndependent: unset or
// "run" runs them, "skip" skips them. `make test-all` runs the suite on
// several CLIs (Terraform 1.5.7, the newest Terraform, OpenTofu 1.6.3 and the
// newest OpenTofu) and sets "skip" on all but the pinned Terraform 1.5.7 run
// (`make testacc`), so that these tests run once per suite, there.
const CLIIndependentEnv = "TF_ACC_CLI_INDEPENDENT"

// CLIIndependent declares that the test's outcome cannot depend on which
// Terraform or OpenTofu runs it, and why (the provider's or the client's own
// logic, the mock's behaviour, a big fleet whose figure is the provider's): it
// then runs once per suite, not on every CLI. Call it first in the test. It
// skips the test, saying why, when TF_ACC_CLI_INDEPENDENT=skip; a run of the
// test by hand (variable unset) runs it on whatever CLI it is given.
//
// Keep on every CLI what a CLI can change: the process, the plan, the state
// it writes after an error, what it logs or prints, the configuration
// language (modules, moved, import blocks).
func CLIIndependent(t testing.TB, why string) {
	t.Helper()
	skip, err := skipCLIIndependent(os.Getenv(CLIIndependentEnv), why)
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
}

// skipCLIIndependent returns the skip message for the setting ("" = run),
// or what is wrong with it or with why.
func skipCLIIndependent(setting, why string) (string, error) {
	if why == "" {
		return "", fmt.Errorf("acctest.CLIIndependent: say why the test's outcome cannot depend on the CLI")
	}
	switch setting {
	case "", "run":
		return "", nil
	case "skip":
		return fmt.Sprintf("CLI-independent (%s): it runs once per suite, on the pinned Terraform run "+
			"(`make testacc`); this run sets %s=skip (unset it to run the test here)", why, CLIIndependentEnv), nil
	default:
		return "", fmt.Errorf("%s=%q: want \"run\" (or unset) to run the CLI-independent tests, or \"skip\" to skip them",
			CLIIndependentEnv, setting)
	}
}
