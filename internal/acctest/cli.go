package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// CLI runs the Terraform (or OpenTofu) binary of TF_ACC_TERRAFORM_PATH (or
// the terraform on the PATH) in a working directory of its own, for tests of
// commands terraform-plugin-testing cannot run, such as `terraform query
// -generate-config-out`, through the one home of running them (internal/tfcli:
// a process group that ends with the command). Its environment is this
// process's without anything that configures Terraform (TF_*, GITLAB_*), plus
// a private CLI configuration (empty unless the test writes one,
// CLIConfigFile) and what the test adds; serve the provider with
// providertest.Reattach and add its TF_REATTACH_PROVIDERS.
type CLI struct {
	t   testing.TB
	Bin string
	// Dir is the working directory (the test's temporary directory).
	Dir string
	// CLIConfigFile is the CLI configuration Terraform reads (TF_CLI_CONFIG_FILE).
	CLIConfigFile string
	env           []string
}

// NewCLI prepares a working directory holding files (name -> content) and
// the environment with env added.
func NewCLI(t testing.TB, files, env map[string]string) *CLI {
	t.Helper()
	c := &CLI{t: t, Bin: TerraformBinary(t), Dir: t.TempDir(), CLIConfigFile: filepath.Join(t.TempDir(), "terraformrc")}
	if err := os.WriteFile(c.CLIConfigFile, []byte("# empty: tests use no mirrors or overrides\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.env = tfcli.PrivateEnv(c.CLIConfigFile, nil, "TF_", "GITLAB_")
	for k, v := range env {
		c.env = append(c.env, k+"="+v)
	}
	for name, content := range files {
		c.Write(name, content)
	}
	return c
}

// TerraformBinary is the Terraform (or OpenTofu) binary acceptance tests run:
// TF_ACC_TERRAFORM_PATH, else the terraform on the PATH. It skips the test
// without TF_ACC, as PreCheck does.
func TerraformBinary(t testing.TB) string {
	t.Helper()
	PreCheck(t)
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	bin, _ := exec.LookPath("terraform") // PreCheck made sure it is there
	return bin
}

// Write writes a file of the working directory.
func (c *CLI) Write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Read returns a file of the working directory.
func (c *CLI) Read(name string) string {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join(c.Dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(data)
}

// Run runs the binary with args and returns its output (stdout and stderr); a failure ends the test with
// that output.
func (c *CLI) Run(args ...string) string {
	c.t.Helper()
	out, code := c.RunExit(args...)
	if code != 0 {
		c.t.Fatalf("%s %s: exit status %d\n%s", filepath.Base(c.Bin), strings.Join(args, " "), code, out)
	}
	return out
}

// RunExit is Run that returns the exit status instead of failing, for
// commands whose status says something (plan -detailed-exitcode).
func (c *CLI) RunExit(args ...string) (string, int) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := tfcli.Command(ctx, c.Bin, "", c.env, args...)
	cmd.Dir = c.Dir
	out, err := cmd.CombinedOutput()
	tfcli.KillGroup(cmd)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		c.t.Fatalf("%s %s: %v", filepath.Base(c.Bin), strings.Join(args, " "), err)
	}
	return string(out), 0
}

// SkipWithout skips the test when the binary lacks f, as the TestCase
// version check SkipWithout does.
func (c *CLI) SkipWithout(f Feature) {
	c.t.Helper()
	out, code := c.RunExit("version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
		c.t.Fatalf("%s version -json: exit status %d\n%s", c.Bin, code, out)
	}
	resp := &tfversion.CheckTerraformVersionResponse{}
	SkipWithout(f).CheckTerraformVersion(context.Background(),
		tfversion.CheckTerraformVersionRequest{TerraformVersion: version.Must(version.NewVersion(v.Version))}, resp)
	if resp.Skip != "" {
		c.t.Skip(resp.Skip)
	}
}

// AdoptGenerated plans the working directory's configuration (as `terraform
// query -generate-config-out` left it), checks that the plan imports want
// resources and changes nothing (`terraform show -json` of the saved plan),
// applies it, and checks that the next plan is empty.
func (c *CLI) AdoptGenerated(want int) {
	c.t.Helper()
	c.Run("plan", "-no-color", "-out=adopt.tfplan")
	planJSON := c.Run("show", "-json", "adopt.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	start := strings.Index(planJSON, "{")
	if start < 0 {
		c.t.Fatalf("terraform show -json printed no JSON:\n%s", planJSON)
	}
	if err := json.Unmarshal([]byte(planJSON[start:]), &plan); err != nil {
		c.t.Fatalf("the plan's JSON: %v\n%s", err, planJSON)
	}
	imports := 0
	for _, rc := range plan.ResourceChanges {
		if strings.Join(rc.Change.Actions, ",") != "no-op" || len(rc.Change.Importing) == 0 {
			c.t.Errorf("%s: actions %v, importing %s; want a no-op import", rc.Address, rc.Change.Actions, rc.Change.Importing)
			continue
		}
		imports++
	}
	if imports != want {
		c.t.Fatalf("the plan imports %d resources, want %d", imports, want)
	}
	c.Run("apply", "-no-color", "adopt.tfplan")
	if out, code := c.RunExit("plan", "-no-color", "-detailed-exitcode"); code != 0 {
		c.t.Fatalf("the plan after the imports is not empty (exit status %d):\n%s", code, out)
	}
}

// NeedsCLI skips the test when the CLI of TF_ACC_TERRAFORM_PATH (or the
// terraform on the PATH) lacks f, as CLI.SkipWithout does: for a test to say
// so first, before a live run skips it for needing the mock (the report of
// `make testacc-live` tells the CLI's skips from live mode's).
func NeedsCLI(t testing.TB, f Feature) {
	t.Helper()
	NewCLI(t, nil, nil).SkipWithout(f)
}
