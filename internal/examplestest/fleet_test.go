package examplestest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
)

// Group and project runner tokens expire 30 days after creation or rotation
// in this test, so that rotate_before_expiry has something to act on.
const fleetTokenLifetime = 30 * 24 * time.Hour

// TestAccRunnerFleetModule applies examples/modules/runner-fleet as a module
// author's user would, and asks the mock coordinator whether it did what it
// says: the runners exist with their settings, the tokens in the sensitive
// output work with `gitlab-runner register`, a fleet-wide trigger and the
// approaching expiry rotate the tokens in place, the registration-policy check
// only warns, and destroy removes every runner.
func TestAccRunnerFleetModule(t *testing.T) {
	acctest.PreCheck(t)
	g := startFleet(t)
	group, project, owner := g.GroupID(t), g.ProjectID(t, 0), g.OwnerToken(t)
	groupPath := g.GroupPath(t, group)

	dir := writeFleetConfig(t, fleetInputs(g, group, project))
	emptyDir := writeFleetConfig(t, "runners = {}\n")
	// The group's Owner, not an administrator: what a team's pipeline would use.
	// The Owner role on demo covers the project in demo/platform too.
	vars := func(fleetRotation string) config.Variables {
		return config.Variables{
			"base_url": config.StringVariable(g.URL()),
			"token":    config.StringVariable(owner),
			"rotation_triggers": config.MapVariable(map[string]config.Variable{
				"fleet": config.StringVariable(fleetRotation),
			}),
		}
	}

	var first, second fleetOutputs // tokens seen after steps 1 and 2
	var from time.Time             // when the step's tokens were minted, at the earliest
	steps := []resource.TestStep{
		{
			// 1. Create: two runners with their settings; every token registers.
			PreConfig:       func() { from = g.Now() },
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars("2026-01"),
			ConfigStateChecks: []statecheck.StateCheck{
				checkOutputs(func(o fleetOutputs) error {
					if err := o.matchGitLab(t, g); err != nil {
						return err
					}
					if err := expectRunner(g, o, "k8s", func(r acctest.Runner) error {
						return all(
							eq("runner_type", r.RunnerType, "group_type"),
							eq("group_id", firstOr(r.GroupIDs), group),
							eq("description", r.Description, g.Name("ci-k8s")),
							eq("tags", sorted(r.Strings("tag_list")), []string{"k8s", "linux"}),
							eq("run_untagged", r.Bool("run_untagged"), false),
							eq("maximum_timeout", deref(r.Int("maximum_timeout")), int64(3600)),
							eq("token prefix", prefix(o.Tokens["k8s"]), "glrt-t2_"),
						)
					}); err != nil {
						return err
					}
					if err := expectRunner(g, o, "release", func(r acctest.Runner) error {
						return all(
							eq("runner_type", r.RunnerType, "project_type"),
							eq("owner project", firstOr(r.ProjectIDs), project),
							eq("description", r.Description, g.Name("release jobs")),
							eq("tags", sorted(r.Strings("tag_list")), []string{"release"}),
							eq("access_level", r.String("access_level"), "ref_protected"),
							eq("locked", r.Bool("locked"), true),
							eq("maintenance_note", r.String("maintenance_note"), "owned by the release team"),
							eq("token prefix", prefix(o.Tokens["release"]), "glrt-t3_"),
						)
					}); err != nil {
						return err
					}
					for k, exp := range o.TokenExpiresAt {
						if err := expiresAfterLifetime("token_expires_at["+k+"]", exp, from, g.Now()); err != nil {
							return err
						}
					}
					if err := o.tokensRegister(t, g, 200); err != nil {
						return err
					}
					// The mock's GitLab 18.6 default (a live GitLab's is its own).
					if got := fmt.Sprint(o.Policy["registration_tokens_allowed"]); !g.Live() && got != "false" {
						return fmt.Errorf("registration_policy.registration_tokens_allowed = %s, want false (GitLab 18.6 default)", got)
					}
					if got := fmt.Sprint(o.Policy["scope"]); got != groupPath {
						return fmt.Errorf("registration_policy.scope = %s, want the k8s runner's group %s", got, groupPath)
					}
					first = o
					return nil
				}),
			},
		},
		{
			// 2. A fleet-wide trigger rotates every token in place.
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars("2026-02"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(`gitlabrunner_user_runner.this["k8s"]`, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(`gitlabrunner_user_runner.this["release"]`, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				checkOutputs(func(o fleetOutputs) error {
					if err := o.rotatedFrom(first); err != nil {
						return err
					}
					if err := o.matchGitLab(t, g); err != nil {
						return err
					}
					if err := first.tokensRegister(t, g, 403); err != nil {
						return fmt.Errorf("old tokens after rotation: %w", err)
					}
					if err := o.tokensRegister(t, g, 200); err != nil {
						return err
					}
					second = o
					return nil
				}),
			},
		},
		{
			// 3. Nothing changed: the plan is empty.
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars("2026-02"),
			PlanOnly:        true,
		},
		{
			// 4. 24 days later the tokens expire within rotate_before_expiry
			// (168h): the next apply rotates them without any config change.
			SkipFunc:        g.StepNeeds(t, acctest.MockClock),
			PreConfig:       g.OnMock(func(m *acctest.Mock) { m.Clock.Advance(24 * 24 * time.Hour); from = m.Now() }),
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars("2026-02"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(`gitlabrunner_user_runner.this["k8s"]`, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				checkOutputs(func(o fleetOutputs) error {
					if err := o.rotatedFrom(second); err != nil {
						return err
					}
					if err := o.matchGitLab(t, g); err != nil {
						return err
					}
					for k, exp := range o.TokenExpiresAt {
						if err := expiresAfterLifetime("token_expires_at["+k+"] after expiry rotation", exp, from, g.Now()); err != nil {
							return err
						}
					}
					return o.tokensRegister(t, g, 200)
				}),
			},
		},
		{
			// 5. With registration tokens switched back on for the group, the
			// module's check block only warns: the apply succeeds, and the
			// policy output says they are allowed.
			// The group's switch has no API.
			SkipFunc: g.StepNeeds(t, acctest.StoreAccess),
			PreConfig: g.OnMock(func(m *acctest.Mock) {
				if err := m.Store().SetGroupAllowRegistrationTokens(group, true); err != nil {
					t.Fatalf("enabling registration tokens for group %d: %v", group, err)
				}
				m.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
			}),
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars("2026-02"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValueAtPath("registration_policy",
					tfjsonpath.New("registration_tokens_allowed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValueAtPath("registration_policy",
					tfjsonpath.New("scope"), knownvalue.StringExact(groupPath)),
			},
		},
		{
			// 6. Emptying the map deletes every runner of the fleet. (This also
			// leaves no for_each instance in the state for the final destroy:
			// terraform-plugin-testing's legacy state conversion rejects them.)
			ConfigDirectory: config.StaticDirectory(emptyDir),
			ConfigVariables: vars("2026-02"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("ids", knownvalue.MapExact(map[string]knownvalue.Check{})),
				checkMock(func() error {
					if ids, err := g.RunnerIDsErr(); err != nil || len(ids) != 0 {
						return fmt.Errorf("after emptying the fleet GitLab still has runners %v of the test (%v)", ids, err)
					}
					return nil
				}),
			},
		},
	}
	testFleet(t, g, steps)
}

// startFleet is a GitLab whose group and project runner tokens expire after
// fleetTokenLifetime, so that rotations move token_expires_at (instance
// settings: in live mode the test runs alone and puts them back).
func startFleet(t *testing.T) *acctest.GitLab {
	acctest.Sequential(t)
	g := acctest.NewGitLab(t, acctest.WithSettingsChanges())
	lifetime := int64(fleetTokenLifetime / time.Second)
	g.UpdateInstanceSettings(t, map[string]any{
		"group_runner_token_expiration_interval":   lifetime,
		"project_runner_token_expiration_interval": lifetime,
	})
	return g
}

// testFleet runs the steps with the provider on the GitLab's clock, and
// checks that destroy leaves no runner of the test.
func testFleet(t *testing.T, g *acctest.GitLab, steps []resource.TestStep, versionChecks ...tfversion.TerraformVersionCheck) {
	for i := range steps {
		steps[i].ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
			"gitlabrunner": providerserver.NewProtocol6WithError(provider.NewWithClock("test", g.Now)()),
		}
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: versionChecks,
		Steps:                  steps,
		CheckDestroy:           g.CheckNoRunnersLeft(),
	})
}

// writeFleetConfig builds the test configuration in a temporary directory:
// the module's own files (examples/modules/runner-fleet/*.tf) applied as the
// root module, plus the provider block and the inputs a user would pass.
//
// Why not a `module "fleet" { source = ... }` call: terraform-plugin-testing
// converts the state into its legacy form after every step, and that
// conversion rejects child modules ("Modules are not supported"). Applying
// the module's files as the root module runs exactly the same code, and its
// outputs are then the root outputs the test reads.
func writeFleetConfig(t *testing.T, inputs string) string {
	t.Helper()
	dir := t.TempDir()
	src := moduleDir(t)
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s (%v)", src, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "module_"+filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	provider := `variable "base_url" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
}

provider "gitlabrunner" {
  base_url = var.base_url
  token    = var.token
  retries  = 2
}
`
	for name, content := range map[string]string{"test_provider.tf": provider, "test_inputs.auto.tfvars": inputs} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fleetInputs are the module inputs of the test, as a user's tfvars file.
func fleetInputs(g *acctest.GitLab, group, project int64) string {
	return fmt.Sprintf(`description_prefix   = %q
rotate_before_expiry = "168h"

runners = {
  k8s = {
    runner_type     = "group_type"
    group_id        = %d
    tags            = ["k8s", "linux"]
    run_untagged    = false
    maximum_timeout = 3600
  }
  release = {
    runner_type      = "project_type"
    project_id       = %d
    description      = %q
    tags             = ["release"]
    access_level     = "ref_protected"
    locked           = true
    maintenance_note = "owned by the release team"
  }
}
`, g.Name("ci-"), group, project, g.Name("release jobs"))
}

// moduleDir is the absolute path of examples/modules/runner-fleet.
func moduleDir(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "modules", "runner-fleet")
}

// fleetOutputs are the root outputs of the test configuration.
type fleetOutputs struct {
	IDs            map[string]string
	Tokens         map[string]string
	TokenExpiresAt map[string]string
	Runners        map[string]map[string]any
	Policy         map[string]any
}

// checkMock turns a question to the mock into a state check.
func checkMock(fn func() error) statecheck.StateCheck {
	return outputsCheck(func(fleetOutputs) error { return fn() })
}

// checkOutputs turns a function of the outputs into a state check.
func checkOutputs(fn func(fleetOutputs) error) statecheck.StateCheck { return outputsCheck(fn) }

type outputsCheck func(fleetOutputs) error

func (c outputsCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	o := fleetOutputs{IDs: map[string]string{}, Tokens: map[string]string{}, TokenExpiresAt: map[string]string{},
		Runners: map[string]map[string]any{}}
	stringMap := func(name string, into map[string]string) error {
		out, ok := req.State.Values.Outputs[name]
		if !ok {
			return fmt.Errorf("output %q missing", name)
		}
		m, ok := out.Value.(map[string]any)
		if !ok {
			return fmt.Errorf("output %q is %T, want a map", name, out.Value)
		}
		for k, v := range m {
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("output %q[%q] is %T, want a string", name, k, v)
			}
			into[k] = s
		}
		return nil
	}
	for name, into := range map[string]map[string]string{"ids": o.IDs, "tokens": o.Tokens, "token_expires_at": o.TokenExpiresAt} {
		if err := stringMap(name, into); err != nil {
			resp.Error = err
			return
		}
	}
	if !req.State.Values.Outputs["tokens"].Sensitive {
		resp.Error = fmt.Errorf("output tokens is not sensitive")
		return
	}
	if p, ok := req.State.Values.Outputs["registration_policy"]; ok {
		o.Policy, _ = p.Value.(map[string]any)
	}
	if m, ok := req.State.Values.Outputs["runners"].Value.(map[string]any); ok {
		for k, v := range m {
			r, _ := v.(map[string]any)
			o.Runners[k] = r
		}
	}
	resp.Error = c(o)
}

// matchGitLab checks the outputs against GitLab: one runner per key and no
// other runner of the test, each as matchRunners says.
func (o fleetOutputs) matchGitLab(t *testing.T, g *acctest.GitLab) error {
	keys := sortedKeys(o.IDs)
	if !slices.Equal(keys, []string{"k8s", "release"}) {
		return fmt.Errorf("ids has keys %v, want [k8s release]", keys)
	}
	return o.matchGitLabWith(t, g, 0)
}

// matchGitLabWith is matchGitLab with others more runners of the test in
// GitLab than the module's.
func (o fleetOutputs) matchGitLabWith(t *testing.T, g *acctest.GitLab, others int) error {
	if ids, err := g.RunnerIDsErr(); err != nil || len(ids) != len(o.IDs)+others {
		return fmt.Errorf("GitLab has %d runners of the test (%v), want %d", len(ids), err, len(o.IDs)+others)
	}
	return o.matchRunners(t, g)
}

// matchRunners checks each runner of the outputs against GitLab: the ids
// are runners of it, every token is accepted by verify as its runner's, and
// the runners output is consistent with ids.
func (o fleetOutputs) matchRunners(t *testing.T, g *acctest.GitLab) error {
	for _, k := range sortedKeys(o.IDs) {
		id, err := strconv.ParseInt(o.IDs[k], 10, 64)
		if err != nil {
			return fmt.Errorf("ids[%q] = %q is not a runner id", k, o.IDs[k])
		}
		r, err := g.RunnerErr(id)
		if err != nil {
			return fmt.Errorf("runner %d (%s): %w", id, k, err)
		}
		if status, owner := g.VerifiedRunner(t, o.Tokens[k], "s_"+fmt.Sprintf("%012x", len(k))); o.Tokens[k] == "" || status != 200 || owner != id {
			return fmt.Errorf("tokens[%q] is not GitLab's current token of runner %d (verify: %d, runner %d)", k, id, status, owner) // never print tokens
		}
		if got := fmt.Sprint(o.Runners[k]["id"]); got != o.IDs[k] {
			return fmt.Errorf("runners[%q].id = %s, ids[%q] = %s", k, got, k, o.IDs[k])
		}
		if got := fmt.Sprint(o.Runners[k]["runner_type"]); got != r.RunnerType {
			return fmt.Errorf("runners[%q].runner_type = %s, GitLab says %s", k, got, r.RunnerType)
		}
	}
	return nil
}

// rotatedFrom checks that every runner kept its id and got a new token.
func (o fleetOutputs) rotatedFrom(before fleetOutputs) error {
	for k, id := range before.IDs {
		if o.IDs[k] != id {
			return fmt.Errorf("runner %s was replaced (id %s -> %s) instead of rotated in place", k, id, o.IDs[k])
		}
		if o.Tokens[k] == before.Tokens[k] {
			return fmt.Errorf("runner %s (id %s) kept its token", k, id)
		}
	}
	return nil
}

// tokensRegister sends what `gitlab-runner register --token` sends for every
// token and expects the given status (200 valid, 403 refused).
func (o fleetOutputs) tokensRegister(t *testing.T, g *acctest.GitLab, want int) error {
	for _, k := range sortedKeys(o.Tokens) {
		if got := g.VerifyStatus(t, o.Tokens[k], "s_"+fmt.Sprintf("%012x", len(k))); got != want {
			return fmt.Errorf("POST /runners/verify with tokens[%q] answered %d, want %d", k, got, want)
		}
	}
	return nil
}

func expectRunner(g *acctest.GitLab, o fleetOutputs, key string, check func(acctest.Runner) error) error {
	id, _ := strconv.ParseInt(o.IDs[key], 10, 64)
	r, err := g.RunnerErr(id)
	if err != nil {
		return fmt.Errorf("runner %q (id %s): %w", key, o.IDs[key], err)
	}
	if err := check(r); err != nil {
		return fmt.Errorf("runner %q (id %d): %w", key, id, err)
	}
	return nil
}

func all(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func eq[T any](what string, got, want T) error {
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("%s = %v, want %v", what, got, want)
	}
	return nil
}

// expiresAfterLifetime wants a token minted between from and to to expire
// fleetTokenLifetime later (the same instant on the mock's clock).
func expiresAfterLifetime(what, got string, from, to time.Time) error {
	ts, err := time.Parse(time.RFC3339, got)
	if err != nil {
		return fmt.Errorf("%s = %q is not RFC 3339: %v", what, got, err)
	}
	earliest, latest := from.Add(fleetTokenLifetime-time.Second), to.Add(fleetTokenLifetime+time.Second)
	if ts.Before(earliest) || ts.After(latest) {
		return fmt.Errorf("%s = %s, want between %s and %s", what, got, earliest.Format(time.RFC3339), latest.Format(time.RFC3339))
	}
	return nil
}

// prefix is the token's kind without its secret part: "glrt-t2_" for a
// GitLab 17.5+ group runner token, else "glrt-" or "".
func prefix(tok string) string {
	if !strings.HasPrefix(tok, "glrt-") {
		return ""
	}
	if p := partitionRE.FindString(tok[len("glrt-"):]); p != "" {
		return "glrt-" + p
	}
	return "glrt-"
}

var partitionRE = regexp.MustCompile(`^t[0-9]_`)

func sorted(s []string) []string { c := slices.Clone(s); slices.Sort(c); return c }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func firstOr(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}
