package examplestest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// secretEntry is one entry of the module's token_secrets output.
type secretEntry struct {
	RunnerID, Token, TokenExpiresAt, Version string
}

// secretMap is the token_secrets output, by runner key.
type secretMap map[string]secretEntry

// TestAccRunnerFleetTokenSecrets: the module's secret-store output changes
// exactly when a token changes. An apply that rotates nothing (here it
// changes a tag) leaves it as it was; a rotation of one runner (its own
// trigger), and a token rotated by its runner host and recovered with
// on_stale_token = "rotate", change only that runner's entry, and the
// entry's token is the runner's working token.
func TestAccRunnerFleetTokenSecrets(t *testing.T) {
	acctest.PreCheck(t)
	g := startFleet(t)
	group, project := g.GroupID(t), g.ProjectID(t, 0)
	inputs := func(k8sTag, k8sTrigger string) string {
		return fmt.Sprintf(`token_check    = "graphql"
on_stale_token = "rotate"
description_prefix = %q

runners = {
  k8s = {
    runner_type       = "group_type"
    group_id          = %d
    tags              = ["k8s", %q]
    rotation_triggers = { k8s = %q }
  }
  release = {
    runner_type = "project_type"
    project_id  = %d
    tags        = ["release"]
  }
}
`, g.Name(""), group, k8sTag, k8sTrigger, project)
	}
	vars := config.Variables{"base_url": config.StringVariable(g.URL()), "token": config.StringVariable(g.OwnerToken(t))}
	step := func(dir string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			ConfigDirectory:   config.StaticDirectory(dir),
			ConfigVariables:   vars,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: checks,
		}
	}
	first := writeFleetConfig(t, inputs("linux", "1"))
	retagged := writeFleetConfig(t, inputs("amd64", "1"))
	rotated := writeFleetConfig(t, inputs("amd64", "2"))
	emptyDir := writeFleetConfig(t, fmt.Sprintf("description_prefix = %q\nrunners = {}\n", g.Name("")))

	var created, afterRetag, afterRotation, afterRecovery secretMap
	steps := []resource.TestStep{
		step(first, secretsCheck(&created, func(s secretMap) error { return s.match(t, g) })),
		// 2. A tag changes, no token does: the map is exactly as it was.
		step(retagged, secretsCheck(&afterRetag, func(s secretMap) error {
			if !reflect.DeepEqual(s, created) {
				return fmt.Errorf("token_secrets changed without a rotation")
			}
			return nil
		})),
		// 3. The k8s runner's own trigger: only its entry changes.
		step(rotated, secretsCheck(&afterRotation, func(s secretMap) error {
			return onlyChanged(t, afterRetag, s, "k8s", g)
		})),
		// 4. The release runner's host rotates its token behind Terraform's
		// back; the refresh notices, and on_stale_token = "rotate" recovers it:
		// only the release entry changes, to a working token.
		func() resource.TestStep {
			s := step(rotated, secretsCheck(&afterRecovery, func(s secretMap) error {
				return onlyChanged(t, afterRotation, s, "release", g)
			}))
			s.PreConfig = func() {
				// A day passes on the mock's clock (in live mode, the seconds
				// since the last step do): the new token expires later.
				g.OnMock(func(m *acctest.Mock) { m.Clock.Advance(24 * time.Hour) })()
				if status, _ := g.RotateAsRunner(t, afterRotation["release"].Token); status != 201 {
					t.Fatalf("the release runner's self-rotation answered %d", status)
				}
			}
			return s
		}(),
		// 5. Empty the fleet (no for_each instance left for the final destroy).
		{ConfigDirectory: config.StaticDirectory(emptyDir), ConfigVariables: vars},
	}
	testFleet(t, g, steps)
}

// secretsCheck reads the token_secrets output into *into and runs check.
func secretsCheck(into *secretMap, check func(secretMap) error) statecheck.StateCheck {
	return secretsStateCheck(func(s secretMap) error {
		*into = s
		return check(s)
	})
}

type secretsStateCheck func(secretMap) error

func (c secretsStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	out, ok := req.State.Values.Outputs["token_secrets"]
	if !ok || !out.Sensitive {
		resp.Error = fmt.Errorf("output token_secrets missing or not sensitive")
		return
	}
	raw, _ := out.Value.(map[string]any)
	secrets := secretMap{}
	for k, v := range raw {
		m, _ := v.(map[string]any)
		str := func(name string) string { s, _ := m[name].(string); return s }
		secrets[k] = secretEntry{RunnerID: str("runner_id"), Token: str("token"), TokenExpiresAt: str("token_expires_at"), Version: str("version")}
	}
	resp.Error = c(secrets)
}

// match checks every entry against GitLab: the runner's current token (its
// runner's, says verify), and the version derived from it.
func (s secretMap) match(t *testing.T, g *acctest.GitLab) error {
	if len(s) != 2 {
		return fmt.Errorf("token_secrets has %d entries, want 2", len(s))
	}
	for k, e := range s {
		var id int64
		if _, err := fmt.Sscan(e.RunnerID, &id); err != nil {
			return fmt.Errorf("token_secrets[%q].runner_id = %q", k, e.RunnerID)
		}
		if status, owner := g.VerifiedRunner(t, e.Token, "s_secrets00001"); status != 200 || owner != id {
			return fmt.Errorf("token_secrets[%q].token is not runner %d's current token", k, id) // never print tokens
		}
		sum := sha256.Sum256([]byte(e.Token))
		if want := hex.EncodeToString(sum[:])[:16]; e.Version != want {
			return fmt.Errorf("token_secrets[%q].version = %q, want the first 16 hex digits of the token's SHA-256", k, e.Version)
		}
		if e.TokenExpiresAt == "" {
			return fmt.Errorf("token_secrets[%q].token_expires_at is empty, want the token's expiry", k)
		}
	}
	return nil
}

// onlyChanged checks that exactly the entry of key changed (same runner, new
// token and version) and that every entry matches the mock.
func onlyChanged(t *testing.T, before, after secretMap, key string, g *acctest.GitLab) error {
	if err := after.match(t, g); err != nil {
		return err
	}
	for k, e := range after {
		old := before[k]
		switch {
		case k != key && e != old:
			return fmt.Errorf("token_secrets[%q] changed although its token did not", k)
		case k == key && (e.RunnerID != old.RunnerID || e.Token == old.Token || e.Version == old.Version):
			return fmt.Errorf("token_secrets[%q]: want the same runner with a new token and version", k)
		}
	}
	return nil
}
