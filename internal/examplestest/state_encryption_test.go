package examplestest

// TestAccStateEncryption runs the guide "Tokens encrypted at rest" on OpenTofu
// 1.7+: its encryption block (taken from the generated page, so that the
// guide and the test cannot drift apart) beside the runner-fleet module and a
// runner of its own. After every step no file OpenTofu wrote (the state, its
// backup, the saved plans) holds a runner token, read from the disk as
// anyone could; plan, refresh, a rotation and destroy work as without
// encryption. Terraform has no state encryption: the test skips there.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/tofu-1.12.6 go test ./internal/examplestest -run TestAccStateEncryption -v

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

const encryptionGuidePath = "docs/guides/tokens-encrypted-at-rest.md"

// encryptedRunner is a runner outside the module, rotated with the fleet.
const encryptedRunner = `resource "gitlabrunner_user_runner" "single" {
  runner_type       = "group_type"
  group_id          = %d
  description       = "encrypted"
  rotation_triggers = var.rotation_triggers
}
`

func TestAccStateEncryption(t *testing.T) {
	acctest.PreCheck(t)
	acctest.NeedsCLI(t, acctest.StateEncryption)
	// terraform-plugin-testing's working directories go under the test's own
	// directory, so that the test can read what OpenTofu writes there (and
	// t.Setenv keeps this test off t.Parallel).
	work := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", work)
	g := startFleet(t)
	mock := g.Mock(t, acctest.StoreAccess) // every token the mock handed out, looked for on disk
	encryption := fastKeyDerivation(t, docBlocks(t, filepath.Join(repoRoot(t), encryptionGuidePath), "encryption")["encryption"])
	configDir := func(trigger string) string {
		dir := writeFleetConfig(t, fleetInputs(g, mock.Seed.Group.ID, mock.Seed.Project.ID)+fmt.Sprintf("\nrotation_triggers = { fleet = %q }\n", trigger))
		writeFile(t, filepath.Join(dir, "encryption.tf"), encryption)
		writeFile(t, filepath.Join(dir, "single.tf"), fmt.Sprintf(encryptedRunner, mock.Seed.Group.ID))
		return dir
	}
	vars := config.Variables{
		"base_url":         config.StringVariable(g.URL()),
		"token":            config.StringVariable(mock.Seed.Group.OwnerToken),
		"state_passphrase": config.StringVariable("correct horse battery staple, encrypted"),
	}
	tokens := &seenTokens{mock: mock}
	noTokenOnDisk := func() error { return tokens.notIn(work) }

	var first, rotated fleetOutputs
	var single, singleRotated singleRunner
	applied := func(dir string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			ConfigDirectory:   config.StaticDirectory(dir),
			ConfigVariables:   vars,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: append(checks, diskCheck(noTokenOnDisk)),
		}
	}
	unchanged := configDir("1")
	// The last step removes everything (terraform-plugin-testing cannot
	// read a for_each resource's state for its own destroy).
	empty := writeFleetConfig(t, "runners = {}\n")
	writeFile(t, filepath.Join(empty, "encryption.tf"), encryption)
	steps := []resource.TestStep{
		applied(unchanged,
			checkOutputs(func(o fleetOutputs) error {
				first = o
				return all(o.matchGitLabWith(t, g, 1), o.tokensRegister(t, g, 200))
			}),
			single.check(t, mock),
		),
		// Refresh: a description edited in GitLab is read through the
		// encrypted state, and the apply sets it back.
		func() resource.TestStep {
			step := applied(unchanged,
				checkOutputs(func(o fleetOutputs) error {
					if !maps.Equal(o.Tokens, first.Tokens) {
						return fmt.Errorf("the refresh changed the module's tokens") // never print tokens
					}
					return nil
				}),
				singleRotated.check(t, mock),
				checkMock(func() error {
					if singleRotated.token != single.token {
						return fmt.Errorf("the refresh changed the single runner's token")
					}
					return nil
				}),
			)
			step.PreConfig = func() {
				must(t, noTokenOnDisk())
				must(t, mock.Store().UpdateRunner(single.id, func(r *store.RunnerRecord) { r.Description = "edited by hand" }))
			}
			step.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("gitlabrunner_user_runner.single", plancheck.ResourceActionUpdate),
			}
			return step
		}(),
		// A new fleet trigger rotates every token in place.
		func() resource.TestStep {
			step := applied(configDir("2"),
				checkOutputs(func(o fleetOutputs) error {
					rotated = o
					return all(o.matchGitLabWith(t, g, 1), o.rotatedFrom(first), o.tokensRegister(t, g, 200),
						first.tokensRegister(t, g, 403))
				}),
				singleRotated.check(t, mock),
				checkMock(func() error {
					if singleRotated.id != single.id || singleRotated.token == single.token {
						return fmt.Errorf("the single runner was not rotated in place")
					}
					return nil
				}),
			)
			step.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(`gitlabrunner_user_runner.this["k8s"]`, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("gitlabrunner_user_runner.single", plancheck.ResourceActionUpdate),
			}
			return step
		}(),
		applied(empty, checkMock(func() error {
			if ids := mock.Store().RunnerIDs(); len(ids) != 0 {
				return fmt.Errorf("after removing every runner the mock still has runners %v", ids)
			}
			return nil
		})),
	}
	testFleet(t, g, steps, acctest.SkipWithout(acctest.StateEncryption))
	// The backup now holds the last state with tokens: encrypted too.
	must(t, noTokenOnDisk())
	if len(rotated.Tokens) == 0 || tokens.files == 0 {
		t.Fatalf("nothing was checked: %d tokens in the outputs, %d state files read", len(rotated.Tokens), tokens.files)
	}
}

// fastKeyDerivation lowers pbkdf2's iterations from OpenTofu's default
// (600,000) to its minimum (200,000): every tofu command derives the key
// again, and at the default the test spends most of its minute there. The
// cost of deriving the key is all it changes.
func fastKeyDerivation(t *testing.T, block string) string {
	t.Helper()
	const passphrase = "passphrase = var.state_passphrase\n"
	if !strings.Contains(block, passphrase) {
		t.Fatalf("the guide's encryption block no longer has %q:\n%s", strings.TrimSpace(passphrase), block)
	}
	return strings.Replace(block, passphrase, passphrase+"      iterations = 200000\n", 1)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// singleRunner is gitlabrunner_user_runner.single as the state has it.
type singleRunner struct {
	id    int64
	token string
}

// check reads the runner from the state as OpenTofu decrypts it: a glrt-
// token that the mock accepts.
func (r *singleRunner) check(t *testing.T, mock *acctest.Mock) statecheck.StateCheck {
	return stateFunc(func(req statecheck.CheckStateRequest) error {
		for _, res := range req.State.Values.RootModule.Resources {
			if res.Address != "gitlabrunner_user_runner.single" {
				continue
			}
			r.token, _ = res.AttributeValues["token"].(string)
			id, _ := res.AttributeValues["id"].(string)
			r.id, _ = strconv.ParseInt(id, 10, 64)
			if !strings.HasPrefix(r.token, "glrt-") {
				return fmt.Errorf("gitlabrunner_user_runner.single has no glrt- token in the decrypted state")
			}
			if got := mock.VerifyStatus(t, r.token, "s_encrypted01"); got != 200 {
				return fmt.Errorf("POST /runners/verify with gitlabrunner_user_runner.single's token answered %d, want 200", got)
			}
			return nil
		}
		return fmt.Errorf("gitlabrunner_user_runner.single is not in the state")
	})
}

// stateFunc turns a function of the state into a state check.
type stateFunc func(statecheck.CheckStateRequest) error

func (f stateFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	resp.Error = f(req)
}

// diskCheck turns a look at the disk into a state check or a plan check.
type diskCheck func() error

func (f diskCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

func (f diskCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// seenTokens scans working directories for runner tokens: the glrt- prefix,
// and every token the mock has handed out so far (rotated ones included).
type seenTokens struct {
	mock   *acctest.Mock
	all    map[string]bool
	files  int // state files read, encrypted
	checks int
}

func (s *seenTokens) collect() {
	if s.all == nil {
		s.all = map[string]bool{}
	}
	for _, r := range s.mock.Runners() {
		if r.Token != "" {
			s.all[r.Token] = true
		}
	}
}

// notIn reads every file under dir as anyone with access to the disk could,
// and fails naming the file (never the token) that holds a runner token. It
// also checks that every state file is OpenTofu's encrypted form.
func (s *seenTokens) notIn(dir string) error {
	s.collect()
	s.checks++
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if bytes.Contains(data, []byte("glrt-")) {
			return fmt.Errorf("check %d: %s holds a glrt- token in clear", s.checks, rel)
		}
		for token := range s.all {
			if bytes.Contains(data, []byte(token)) {
				return fmt.Errorf("check %d: %s holds a runner token in clear", s.checks, rel)
			}
		}
		if name := d.Name(); name == "terraform.tfstate" || name == "terraform.tfstate.backup" {
			var encrypted struct {
				Data    []byte `json:"encrypted_data"`
				Version string `json:"encryption_version"`
			}
			if err := json.Unmarshal(data, &encrypted); err != nil || len(encrypted.Data) == 0 || encrypted.Version == "" {
				return fmt.Errorf("check %d: %s is not an encrypted state (%v)", s.checks, rel, err)
			}
			s.files++
		}
		return nil
	})
}
