package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// Token lifetimes the demo's mock applies, so token_expires_at is shown set
// (GitLab's runner token expiration intervals, in seconds).
const (
	instanceTokenLifetime = 90 * 24 * 3600
	scopedTokenLifetime   = 30 * 24 * 3600
)

type demo struct {
	root, dir, tfPath string
	out               io.Writer // where the demo reports (stdout)
	cli               string    // "terraform" or "tofu", as the user types it

	mock   *mockcoordinator.Server
	client *gitlabapi.Client // the admin's client, for what the demo checks itself
	tf     *terraform
}

func (d *demo) run(ctx context.Context) error {
	// A fresh .demo/ every time: no state, log or plugin of an earlier run.
	if err := os.RemoveAll(d.dir); err != nil {
		return fmt.Errorf("cleaning %s: %w", d.dir, err)
	}
	for _, sub := range []string{"plugins", "run", "logs"} {
		if err := os.MkdirAll(filepath.Join(d.dir, sub), 0o755); err != nil {
			return err
		}
	}

	d.step("Building the provider into .demo/plugins")
	if err := d.buildProvider(ctx); err != nil {
		return err
	}

	if err := d.startMock(); err != nil {
		return err
	}
	defer func() {
		_ = d.mock.Close()
		d.printf("==> Stopped the mock coordinator\n")
	}()

	if err := d.prepareTerraform(); err != nil {
		return err
	}

	d.step(d.cli + " apply (examples/demo: an instance, a group and a project runner, and the group's registration-token policy)")
	d.printf("    (no %s init: the CLI configuration's dev_overrides serve the freshly built provider)\n", d.cli)
	out, err := d.tf.run(ctx, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return err
	}
	d.printf("    %s\n", summaryLine(out))

	outputs, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	d.printRunners(outputs)
	d.printPolicy(outputs.Policy)

	if err := d.registerHost(ctx, outputs); err != nil {
		return err
	}
	if err := d.rotate(ctx, outputs); err != nil {
		return err
	}
	d.printNextSteps()

	d.step(d.cli + " destroy")
	out, err = d.tf.run(ctx, nil, "destroy", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return err
	}
	d.printf("    %s\n", summaryLine(out))
	if left := d.mock.Store().RunnerIDs(); len(left) != 0 {
		return fmt.Errorf("after destroy the mock coordinator still has runners %v", left)
	}
	d.printf("    the mock coordinator has no runner left\n")
	d.printf("    %s's full output is in %s\n", d.cliTitle(), tfcli.Rel(d.tf.logDir))
	return nil
}

func (d *demo) step(msg string) { d.printf("==> %s\n", msg) }

func (d *demo) printf(format string, args ...any) { _, _ = fmt.Fprintf(d.out, format, args...) }

// cliTitle is the CLI's name as a product: Terraform or OpenTofu.
func (d *demo) cliTitle() string {
	if d.cli == "tofu" {
		return "OpenTofu"
	}
	return "Terraform"
}

func (d *demo) buildProvider(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o",
		filepath.Join(d.dir, "plugins", "terraform-provider-gitlabrunner"), ".")
	cmd.Dir = d.root
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the provider (go build .): %w", err)
	}
	return nil
}

// startMock runs the mock coordinator in this process: it stops when the demo
// does, whatever happens, so no server is ever left behind.
func (d *demo) startMock() error {
	mock, err := mockcoordinator.NewServer(mockcoordinator.Options{})
	if err != nil {
		return fmt.Errorf("creating the mock coordinator: %w", err)
	}
	if err := mock.Start("127.0.0.1:0"); err != nil {
		return fmt.Errorf("starting the mock coordinator on a free loopback port: %w", err)
	}
	d.mock = mock
	mock.Store().UpdateSettings(func(s *store.Settings) {
		s.RunnerTokenExpirationInterval = ptr(int64(instanceTokenLifetime))
		s.GroupRunnerTokenExpirationInterval = ptr(int64(scopedTokenLifetime))
		s.ProjectRunnerTokenExpirationInterval = ptr(int64(scopedTokenLifetime))
	})
	seed := mock.Seed()
	d.client, err = gitlabapi.NewClient(gitlabapi.Config{BaseURL: mock.URL(), Token: seed.AdminToken, Retries: 2,
		UserAgent: "terraform-provider-gitlabrunner-demo"})
	if err != nil {
		return err
	}
	v := "?"
	if ver, err := d.client.GetVersion(context.Background()); err == nil {
		v = ver.Version
	}
	d.step(fmt.Sprintf("Started the mock coordinator (an in-memory GitLab %s) at %s", v, mock.URL()))
	d.printf("    seeded: group %s (id %d), project %s (id %d), an administrator's token\n",
		seed.Group.FullPath, seed.Group.ID, seed.Project.PathWithNamespace, seed.Project.ID)
	d.printf("    runner tokens expire after %d days (instance runners) and %d days (group and project runners)\n",
		instanceTokenLifetime/86400, scopedTokenLifetime/86400)
	return nil
}

// prepareTerraform copies examples/demo into .demo/run and writes the private
// CLI configuration.
func (d *demo) prepareTerraform() error {
	src := filepath.Join(d.root, "examples", "demo")
	run := filepath.Join(d.dir, "run")
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no .tf files in %s", src)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(run, filepath.Base(f)), data, 0o644); err != nil {
			return err
		}
	}

	cliConfig := filepath.Join(d.dir, "terraformrc")
	rc := fmt.Sprintf(`# Written by make demo: serve the provider built into .demo/plugins.
provider_installation {
  dev_overrides {
    "gitlabrunner/gitlabrunner" = %q
  }
  direct {}
}
`, filepath.Join(d.dir, "plugins"))
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return err
	}

	seed := d.mock.Seed()
	d.tf = &terraform{bin: d.tfPath, dir: run, logDir: filepath.Join(d.dir, "logs"),
		env: tfcli.PrivateEnv(cliConfig, map[string]string{
			"base_url":   d.mock.URL(),
			"token":      seed.AdminToken,
			"group_id":   strconv.FormatInt(seed.Group.ID, 10),
			"project_id": strconv.FormatInt(seed.Project.ID, 10),
		})}
	d.printf("    %s: %s, CLI configuration %s, working directory %s\n", d.cliTitle(), d.tfPath, tfcli.Rel(cliConfig), tfcli.Rel(run))
	return nil
}

// demoOutputs mirrors examples/demo/outputs.tf.
type demoOutputs struct {
	Runners map[string]runnerOutput
	Tokens  map[string]string // key -> token (kept in memory only, never printed)
	Policy  policyOutput
}

type runnerOutput struct {
	ID             string   `json:"id"`
	RunnerType     string   `json:"runner_type"`
	Tags           []string `json:"tags"`
	TokenExpiresAt *string  `json:"token_expires_at"`
}

type policyOutput struct {
	Scope                     *string `json:"scope"`
	GitLabVersion             *string `json:"gitlab_version"`
	LegacyWorkflowPhase       *string `json:"legacy_workflow_phase"`
	RegistrationTokensAllowed *bool   `json:"registration_tokens_allowed"`
	RecommendedAction         *string `json:"recommended_action"`
}

var runnerKeys = []string{"instance", "group", "project"}

func (d *demo) outputs(ctx context.Context) (*demoOutputs, error) {
	raw, err := d.tf.run(ctx, nil, "output", "-json")
	if err != nil {
		return nil, err
	}
	var all map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return nil, fmt.Errorf("reading `terraform output -json`: %w", err)
	}
	o := &demoOutputs{Tokens: map[string]string{}}
	get := func(name string, v any) error {
		m, ok := all[name]
		if !ok {
			return fmt.Errorf("examples/demo has no output %q", name)
		}
		if err := json.Unmarshal(m.Value, v); err != nil {
			return fmt.Errorf("output %q: %w", name, err)
		}
		return nil
	}
	if err := get("runners", &o.Runners); err != nil {
		return nil, err
	}
	if err := get("registration_policy", &o.Policy); err != nil {
		return nil, err
	}
	for _, k := range runnerKeys {
		var tok *string
		if err := get(k+"_runner_token", &tok); err != nil {
			return nil, err
		}
		if tok == nil || *tok == "" {
			return nil, fmt.Errorf("output %s_runner_token is empty: the provider kept no token", k)
		}
		o.Tokens[k] = *tok
	}
	return o, nil
}

// registerHost does what `gitlab-runner register --token` does on a host:
// POST /runners/verify with the token and the host's system_id. The runner
// then has one manager for that host.
func (d *demo) registerHost(ctx context.Context, o *demoOutputs) error {
	d.step("Registering a host with the group runner's token (what `gitlab-runner register` does: POST /runners/verify)")
	systemID := "s_" + randomHex(6)
	id, err := strconv.ParseInt(o.Runners["group"].ID, 10, 64)
	if err != nil {
		return fmt.Errorf("group runner id %q: %w", o.Runners["group"].ID, err)
	}
	if _, err := d.client.VerifyRunner(ctx, o.Tokens["group"], systemID); err != nil {
		return fmt.Errorf("the group runner's token was refused by POST /runners/verify: %w", err)
	}
	managers, err := d.client.ListRunnerManagers(ctx, id)
	if err != nil {
		return fmt.Errorf("listing the managers of runner %d: %w", id, err)
	}
	d.printf("    token accepted; runner %d now has %d manager(s): ", id, len(managers))
	for i, m := range managers {
		if i > 0 {
			d.printf(", ")
		}
		d.printf("%s", m.SystemID)
	}
	d.printf("\n")
	return nil
}

// rotate changes the group runner's rotation trigger and applies again: the
// same runner gets a new token, and the old one stops working at once.
func (d *demo) rotate(ctx context.Context, before *demoOutputs) error {
	d.step("Rotating the group runner's token in place (rotation_triggers changed: TF_VAR_group_token_rotation=demo)")
	out, err := d.tf.run(ctx, []string{"TF_VAR_group_token_rotation=demo"}, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return err
	}
	d.printf("    %s\n", summaryLine(out))
	after, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	oldTok, newTok := before.Tokens["group"], after.Tokens["group"]
	if after.Runners["group"].ID != before.Runners["group"].ID {
		return fmt.Errorf("rotation replaced the group runner (id %s -> %s) instead of rotating in place",
			before.Runners["group"].ID, after.Runners["group"].ID)
	}
	if oldTok == newTok {
		return errors.New("rotation left the group runner's token unchanged")
	}
	systemID := "s_" + randomHex(6)
	oldStatus := verifyStatus(ctx, d.client, oldTok, systemID)
	newStatus := verifyStatus(ctx, d.client, newTok, systemID)
	d.printf("    same runner %s, new token %s (expires %s); POST /runners/verify: old token %s, new token %s\n",
		after.Runners["group"].ID, tokenPrefix(newTok), orNone(after.Runners["group"].TokenExpiresAt), oldStatus, newStatus)
	if newStatus != "200" || oldStatus == "200" {
		return fmt.Errorf("after rotation the old token answered %s and the new one %s (want refused and 200)", oldStatus, newStatus)
	}
	return nil
}

// verifyStatus reports the HTTP status of POST /runners/verify for a token.
func verifyStatus(ctx context.Context, c *gitlabapi.Client, token, systemID string) string {
	if _, err := c.VerifyRunner(ctx, token, systemID); err != nil {
		var apiErr *gitlabapi.Error
		if errors.As(err, &apiErr) {
			return strconv.Itoa(apiErr.StatusCode)
		}
		return "error"
	}
	return "200"
}

func (d *demo) printNextSteps() {
	d.step(fmt.Sprintf("What you run next, on each host that runs jobs (from the %s directory; here the mock's URL, yours is your GitLab's)", d.cliTitle()))
	d.printf("    gitlab-runner register --url %s --token \"$(%s output -raw group_runner_token)\"\n", d.client.WebURL(), d.cli)
	d.printf("    (likewise instance_runner_token and project_runner_token; `register` takes no --tag-list, --locked or\n")
	d.printf("    --access-level with such a token: those belong to the runner in GitLab, that is, to the resource)\n")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func ptr[T any](v T) *T { return &v }
