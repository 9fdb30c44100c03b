package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain points terraform-plugin-testing at the right registry host when the
// acceptance tests run on OpenTofu: configurations without required_providers
// resolve to registry.opentofu.org there, and the in-process provider must be
// announced under the same address or OpenTofu would try to download it.
func TestMain(m *testing.M) {
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); strings.HasPrefix(filepath.Base(bin), "tofu") && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	// A CLI configuration that does not exist only produces warnings, but a
	// user's real one could install mirrors or overrides: tests use none.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	if os.Getenv("CHECKPOINT_DISABLE") == "" {
		_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	}
	os.Exit(m.Run())
}
