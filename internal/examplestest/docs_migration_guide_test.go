package examplestest

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAccMigrationGuideOnMock runs the migration guide's commands against the
// mock coordinator as the guide says, from a fresh clone: a GitLab 16.11 that
// still has registration tokens; the group's path fails at first and says to
// flip the group's toggle, the mock's /-/mock/ endpoint flips it, and the
// apply goes through (registration tokens off for the group); step 2's
// `terraform apply` and `gitlab-runner register` hand the runner's token to a
// host; step 4's precondition passes; the instance path applies with the
// administrator's token; everything is destroyed and the mock stopped.
func TestAccMigrationGuideOnMock(t *testing.T) {
	t.Parallel()
	page := "docs/guides/migrate-a-group-off-registration-tokens.md"
	b := pageBlocks(t, page, "mock-start", "mock-group", "mock-toggle", "mock-instance", "register", "gate")
	s := newDocSession(t)
	outs := s.run(
		shellStep{name: "mock-start", script: b["mock-start"]},
		shellStep{name: "mock-group", script: b["mock-group"],
			wantFail: `Settings > CI/CD > Runners, toggle "Allow members of projects and groups to create runners with runner registration tokens"`},
		shellStep{name: "mock-toggle", script: b["mock-toggle"]},
		// Step 2 as written: terraform apply asks for the group (as the
		// guide's readers answer it) and for approval (stdin says yes).
		shellStep{name: "step-2-answers", script: `export TF_VAR_group_id="$MOCK_GROUP_ID" TF_VAR_disable_instance_wide=false`},
		shellStep{name: "register", script: asWritten(t, b["register"], gitlabExample, "$GITLAB_BASE_URL")},
		shellStep{name: "gate", script: "cat > gate.tf <<'EOF'\n" + b["gate"] + "EOF\nterraform init && terraform apply -auto-approve"},
		shellStep{name: "mock-instance", script: "rm gate.tf\n" + b["mock-instance"]},
	)
	if got := strings.TrimSpace(lastLine(outs["mock-toggle"])); got != "false" {
		t.Errorf("after the toggle, registration_tokens_allowed = %q, want false:\n%s", got, outs["mock-toggle"])
	}
	if !strings.Contains(outs["register"], "Runner registered successfully") {
		t.Errorf("step 2's gitlab-runner register did not register:\n%s", outs["register"])
	}
	for _, step := range []string{"gate", "mock-instance"} {
		if strings.Contains(outs[step], "Resource precondition failed") || strings.Contains(outs[step], "Check block assertion failed") {
			t.Errorf("%s: the gate or the check fails after the migration:\n%s", step, outs[step])
		}
	}
	if !strings.Contains(outs["mock-instance"], "Destroy complete!") {
		t.Errorf("the instance path or the destroy failed:\n%s", outs["mock-instance"])
	}
	if pid := envValue(t, filepath.Join(s.dir, ".bin", "mock.env"), "MOCK_PID"); !endsAfterKill(atoi(t, pid)) {
		t.Errorf("the guide's kill left the mock (pid %s) running", pid)
	}
}

// lastLine is the last non-empty line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}
