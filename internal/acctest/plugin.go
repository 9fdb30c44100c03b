package acctest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	pluginOnce sync.Once
	pluginDir  string
	pluginErr  error
)

// RepoRoot is the root of the repository this package was built from.
func RepoRoot() string {
	_, thisFile, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(thisFile), "..", "..")
}

// ProviderPlugin builds the provider as a plugin binary
// (terraform-provider-gitlabrunner), once per test process, into a directory
// under the system's temporary directory that every run from this checkout
// reuses (go build's cache makes rebuilding cheap), and returns the
// directory: for tests that run Terraform on the provider as users do, not
// in-process (providertest.Reattach).
func ProviderPlugin(t testing.TB) string {
	t.Helper()
	pluginOnce.Do(func() {
		root := RepoRoot()
		sum := sha256.Sum256([]byte(root))
		dir := filepath.Join(os.TempDir(), "gitlabrunner-test-plugin-"+hex.EncodeToString(sum[:6]))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			pluginErr = err
			return
		}
		// `go test` puts its own GOROOT/bin first on the test's PATH, so
		// this is the toolchain running the test.
		goBin, err := exec.LookPath("go")
		if err != nil {
			pluginErr = fmt.Errorf("go build of the provider: %w", err)
			return
		}
		cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, "terraform-provider-gitlabrunner"), ".")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			pluginErr = fmt.Errorf("go build of the provider: %v\n%s", err, out)
			return
		}
		pluginDir = dir
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginDir
}

// DevOverrides is a CLI configuration whose dev_overrides serve the
// provider in pluginDir (ProviderPlugin) to Terraform and OpenTofu, in place
// of a registry release, as the module-testing guide and `make demo` do.
func DevOverrides(pluginDir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"gitlabrunner/gitlabrunner\" = %q\n  }\n  direct {}\n}\n", pluginDir)
}
