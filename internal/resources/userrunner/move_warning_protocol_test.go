package userrunner_test

// The first plan after a `moved` from GitLab's gitlab_user_runner, through
// the plugin protocol as Terraform calls it (move, refresh with the move's
// private state, plan), on every CLI the suite runs: the acceptance test
// TestAccUserRunner_movedConfigLeavesOut proves the same through Terraform
// 1.8+, which older CLIs cannot run.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TestMovedPlanWarnsPerAttribute: a runner that GitLab's provider left
// paused, tagged, refusing untagged jobs and with a timeout, moved with a
// configuration that leaves those out: the plan resets each and warns about
// each with the line that keeps it; with those lines written it plans no
// change and warns no more; the refresh after that drops the move's mark.
func TestMovedPlanWarnsPerAttribute(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: m.Seed.Group.OwnerToken})
	if err != nil {
		t.Fatal(err)
	}
	made, err := client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
		RunnerType: gitlabapi.RunnerTypeGroup, GroupID: ptr(m.Seed.Group.ID),
		RunnerAttributes: gitlabapi.RunnerAttributes{Description: ptr("build fleet"), Paused: ptr(true), RunUntagged: ptr(false),
			TagList: ptr([]string{"linux", "docker"}), MaximumTimeout: ptr(int64(7200))},
	})
	if err != nil {
		t.Fatal(err)
	}
	// As GitLab's provider 19.x writes it after creating that runner.
	source := fmt.Sprintf(`{"id":"%d","runner_type":"group_type","group_id":%d,"project_id":null,"description":"build fleet",
		"paused":true,"locked":false,"untagged":false,"tag_list":["docker","linux"],"access_level":"not_protected",
		"maximum_timeout":7200,"maintenance_note":"","token":%q}`, made.ID, m.Seed.Group.ID, made.Token)

	minimal := map[string]tftypes.Value{
		"runner_type": tftypes.NewValue(tftypes.String, "group_type"),
		"group_id":    tftypes.NewValue(tftypes.Number, m.Seed.Group.ID),
	}
	p := newProtocolRunner(t, m, m.Seed.Group.OwnerToken, minimal)
	state, private := p.move(source)
	state, private = p.refresh(state, private)

	planned, diags := p.planConfig(state, private, p.config)
	keepLines := keepLinesFor("build fleet")
	warned := map[string]string{}
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityWarning || d.Attribute == nil {
			t.Fatalf("unexpected diagnostic %s: %s", d.Summary, d.Detail)
		}
		name, _ := d.Attribute.Steps()[0].(tftypes.AttributeName)
		warned[string(name)] = d.Detail
	}
	if len(warned) != len(keepLines) {
		t.Errorf("warned about %d attributes, want %d: %s", len(warned), len(keepLines), diagText(diags))
	}
	for name, line := range keepLines {
		if !strings.Contains(warned[name], "\n  "+line+"\n") {
			t.Errorf("the warning about %s does not suggest %q:\n%s", name, line, warned[name])
		}
		if attr(t, planned, name).Equal(attr(t, state, name)) {
			t.Errorf("%s: the plan keeps %v, yet it warned", name, attr(t, state, name))
		}
	}
	if strings.Contains(diagText(diags), made.Token) {
		t.Error("a warning quotes the token")
	}

	// The suggested lines, written: no change, no warning.
	written := map[string]tftypes.Value{
		"description":     tftypes.NewValue(tftypes.String, "build fleet"),
		"paused":          tftypes.NewValue(tftypes.Bool, true),
		"run_untagged":    tftypes.NewValue(tftypes.Bool, false),
		"maximum_timeout": tftypes.NewValue(tftypes.Number, 7200),
		"tag_list": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
			[]tftypes.Value{tftypes.NewValue(tftypes.String, "docker"), tftypes.NewValue(tftypes.String, "linux")}),
	}
	for name, v := range minimal {
		written[name] = v
	}
	planned, diags = p.planConfig(state, private, objectOf(p.typ, written))
	if len(diags) != 0 || !planned.Equal(state) {
		t.Fatalf("with the suggested lines: diagnostics %s; plan equals the state: %v", diagText(diags), planned.Equal(state))
	}

	// Applied as a no-op, the next refresh drops the mark: no warning any more.
	state, private = p.refresh(state, private)
	if _, diags := p.planConfig(state, private, p.config); len(diags) != 0 {
		t.Fatalf("a plan after the move warned: %s", diagText(diags))
	}
}

// move is MoveResourceState from GitLab's gitlab_user_runner with source as
// its raw state.
func (p *protocolRunner) move(source string) (tftypes.Value, []byte) {
	p.t.Helper()
	resp, err := p.srv.MoveResourceState(context.Background(), &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: "registry.terraform.io/gitlabhq/gitlab", SourceTypeName: "gitlab_user_runner",
		SourceSchemaVersion: 0, SourceState: &tfprotov6.RawState{JSON: []byte(source)}, TargetTypeName: resourceType,
	})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("move: %v %s", err, diagText(resp.Diagnostics))
	}
	return p.value(resp.TargetState), resp.TargetPrivate
}

// planConfig is PlanResourceChange for config, proposing what Terraform
// proposes: the configured values, and for computed attributes left out of
// the configuration the prior state's.
func (p *protocolRunner) planConfig(state tftypes.Value, private []byte, config tftypes.Value) (tftypes.Value, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	var prior, configured map[string]tftypes.Value
	if err := state.As(&prior); err != nil {
		p.t.Fatal(err)
	}
	if err := config.As(&configured); err != nil {
		p.t.Fatal(err)
	}
	schemas, err := p.srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		p.t.Fatal(err)
	}
	proposed := map[string]tftypes.Value{}
	for _, a := range schemas.ResourceSchemas[resourceType].Block.Attributes {
		proposed[a.Name] = configured[a.Name]
		if configured[a.Name].IsNull() && a.Computed {
			proposed[a.Name] = prior[a.Name]
		}
	}
	resp, err := p.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, state), ProposedNewState: dynamic(p.t, p.typ, tftypes.NewValue(p.typ, proposed)),
		Config: dynamic(p.t, p.typ, config), PriorPrivate: private})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("plan: %v %s", err, diagText(resp.Diagnostics))
	}
	return p.value(resp.PlannedState), resp.Diagnostics
}
