// Package examplestest applies the configurations under examples/ against the
// mock coordinator, so that the examples users copy are proven to work, not
// only formatted and validated (tools/check-examples.sh does that).
package examplestest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/userrunner"
)

// TestMain prepares terraform-plugin-testing for configurations that name the
// provider by its registry source, as the examples do
// (source = "gitlabrunner/gitlabrunner"): the in-process provider must be
// announced under the same address, or Terraform would try to download it.
func TestMain(m *testing.M) {
	setDefault := func(k, v string) {
		if os.Getenv(k) == "" {
			_ = os.Setenv(k, v)
		}
	}
	setDefault("TF_ACC_PROVIDER_NAMESPACE", "gitlabrunner")
	// OpenTofu resolves "gitlabrunner/gitlabrunner" on its own registry host.
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); strings.HasPrefix(filepath.Base(bin), "tofu") {
		setDefault("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	// A CLI configuration that does not exist only produces warnings, but a
	// user's real one could install mirrors or overrides: tests use none.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	setDefault("CHECKPOINT_DISABLE", "1")
	// The provider's journal of creates goes to this test process's
	// directory, not to the user's cache.
	if os.Getenv(userrunner.JournalDirEnv) == "" {
		if dir, err := os.MkdirTemp("", "gitlabrunner-journal-"); err == nil {
			_ = os.Setenv(userrunner.JournalDirEnv, dir)
			mirrorCleanup = append(mirrorCleanup, dir)
		}
	}
	code := m.Run()
	for _, dir := range mirrorCleanup { // the journal, the docs' shared home (docs_run_test.go)
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}
