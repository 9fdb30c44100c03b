package userrunner

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// gitlabState is a gitlab_user_runner state as GitLab's provider 18.x
// writes it after a create.
const gitlabState = `{
  "id": "42", "runner_type": "Group_Type", "group_id": 7, "project_id": null,
  "description": "build fleet", "paused": true, "locked": false, "untagged": false,
  "tag_list": ["linux", "docker"], "access_level": "REF_PROTECTED", "maximum_timeout": 3600,
  "maintenance_note": "ask #ci", "token": "glrt-t2_moved0123456789abcdef"
}`

func move(t *testing.T, req resource.MoveStateRequest) (*resource.MoveStateResponse, userRunnerModel) {
	t.Helper()
	movers := New().(*userRunnerResource).MoveState(context.Background())
	if len(movers) != 1 {
		t.Fatalf("%d state movers", len(movers))
	}
	resp := &resource.MoveStateResponse{TargetState: nullState(t)}
	movers[0].StateMover(context.Background(), req, resp)
	var m userRunnerModel
	if !resp.Diagnostics.HasError() {
		if diags := m.get(context.Background(), resp.TargetState); diags.HasError() {
			t.Fatal(acctest.DiagText(diags))
		}
	}
	return resp, m
}

func gitlabMoveRequest(state string) resource.MoveStateRequest {
	return resource.MoveStateRequest{
		SourceProviderAddress: "registry.terraform.io/gitlabhq/gitlab",
		SourceTypeName:        "gitlab_user_runner",
		SourceSchemaVersion:   0,
		SourceRawState:        &tfprotov6.RawState{JSON: []byte(state)},
	}
}

func TestMoveStateFromGitLabUserRunner(t *testing.T) {
	resp, m := move(t, gitlabMoveRequest(gitlabState))
	if resp.Diagnostics.HasError() || len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %s", acctest.DiagText(resp.Diagnostics))
	}
	want := userRunnerModel{
		ID: types.StringValue("42"), RunnerType: types.StringValue(gitlabapi.RunnerTypeGroup),
		GroupID: tfvalue.Int64From(7), ProjectID: tfvalue.Int64Null(),
		Runner: runnerattrs.FromAPI(&gitlabapi.RunnerAttributes{
			Description: new("build fleet"), Paused: new(true), Locked: new(false), RunUntagged: new(false),
			TagList: &[]string{"linux", "docker"}, AccessLevel: new(gitlabapi.AccessLevelRefProtected),
			MaximumTimeout: new(int64(3600)), MaintenanceNote: new("ask #ci"),
		}),
		Token:          types.StringValue("glrt-t2_moved0123456789abcdef"),
		TokenExpiresAt: types.StringNull(), RotationTriggers: types.MapNull(types.StringType), RotateBeforeExpiry: types.StringNull(),
	}
	if diff := modelDiff(m, want); diff != "" {
		t.Fatalf("moved state differs: %s", diff)
	}
}

// TestMoveStateAfterGitLabImport: GitLab's provider never reads project_id
// or the token back (nor group_id before 19.0), so an imported runner has
// them null; the move keeps them null (the refresh fills the ids; the token
// stays null until a rotation). It writes GitLab's "none" as the zero value:
// 0 for no maximum_timeout, which is null here. A state from before provider
// 17.6 has no maintenance_note at all.
func TestMoveStateAfterGitLabImport(t *testing.T) {
	for name, state := range map[string]string{
		"16.3-17.5": `{"id":"9","runner_type":"project_type","group_id":null,"project_id":null,
			"description":"","paused":false,"locked":true,"untagged":true,"tag_list":[],"access_level":"not_protected",
			"maximum_timeout":0,"token":null}`,
		"17.6-18.x": `{"id":"9","runner_type":"project_type","group_id":null,"project_id":null,
			"description":"","paused":false,"locked":true,"untagged":true,"tag_list":[],"access_level":"not_protected",
			"maximum_timeout":0,"maintenance_note":"","token":null}`,
	} {
		resp, m := move(t, gitlabMoveRequest(state))
		if resp.Diagnostics.HasError() || len(resp.Diagnostics) != 0 {
			t.Fatalf("%s: %s", name, acctest.DiagText(resp.Diagnostics))
		}
		if !m.GroupID.IsNull() || !m.ProjectID.IsNull() || !m.Token.IsNull() || m.RunnerType.ValueString() != "project_type" {
			t.Fatalf("%s: moved: %+v", name, m)
		}
		if v := m.Runner["maintenance_note"]; !v.Equal(types.StringValue("")) {
			t.Errorf("%s: maintenance_note = %v, want GitLab's default", name, v)
		}
		if v := m.Runner["maximum_timeout"]; !v.IsNull() {
			t.Errorf("%s: maximum_timeout = %v, want null", name, v)
		}
	}
}

func TestMoveStateSourceAddresses(t *testing.T) {
	for _, addr := range []string{
		"registry.terraform.io/gitlabhq/gitlab",
		"registry.opentofu.org/gitlabhq/gitlab",
		"registry.terraform.io/hashicorp/gitlab", // the test-only provider
		"mirror.example.com/gitlabhq/gitlab",
		"gitlab",
	} {
		req := gitlabMoveRequest(gitlabState)
		req.SourceProviderAddress = addr
		if resp, _ := move(t, req); resp.Diagnostics.HasError() {
			t.Errorf("%s: %s", addr, acctest.DiagText(resp.Diagnostics))
		}
	}
}

func TestMoveStateRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate func(*resource.MoveStateRequest)
		want   string
	}{
		"other resource type": {func(r *resource.MoveStateRequest) { r.SourceTypeName = "gitlab_runner" },
			"can only be moved from gitlab_user_runner of GitLab's provider (gitlabhq/gitlab), not from gitlab_runner of registry.terraform.io/gitlabhq/gitlab"},
		"other provider": {func(r *resource.MoveStateRequest) { r.SourceProviderAddress = "registry.terraform.io/acme/gitlabish" },
			"not from gitlab_user_runner of registry.terraform.io/acme/gitlabish"},
		"other provider named like a type": {func(r *resource.MoveStateRequest) { r.SourceProviderAddress = "registry.terraform.io/gitlab/runner" },
			"not from gitlab_user_runner of registry.terraform.io/gitlab/runner"},
		"schema version 1": {func(r *resource.MoveStateRequest) { r.SourceSchemaVersion = 1 },
			"has schema version 1; this provider knows version 0, which GitLab's provider 16.3 to 19.1 writes"},
		"no state":   {func(r *resource.MoveStateRequest) { r.SourceRawState = nil }, "Terraform sent no JSON state"},
		"not JSON":   {func(r *resource.MoveStateRequest) { r.SourceRawState.JSON = []byte("{") }, "could not be read"},
		"wrong type": {func(r *resource.MoveStateRequest) { r.SourceRawState.JSON = []byte(`{"id":42}`) }, "could not be read"},
		"bad id": {func(r *resource.MoveStateRequest) {
			r.SourceRawState.JSON = []byte(strings.Replace(gitlabState, `"id": "42"`, `"id": "runner-42"`, 1))
		}, `holds the runner id "runner-42"`},
		"bad runner_type": {func(r *resource.MoveStateRequest) {
			r.SourceRawState.JSON = []byte(strings.Replace(gitlabState, `"Group_Type"`, `"shared"`, 1))
		}, `runner_type "shared"`},
	} {
		t.Run(name, func(t *testing.T) {
			req := gitlabMoveRequest(gitlabState)
			tc.mutate(&req)
			resp, _ := move(t, req)
			text := acctest.DiagText(resp.Diagnostics)
			if !resp.Diagnostics.HasError() || !strings.Contains(text, tc.want) {
				t.Fatalf("diagnostics %q, want an error with %q", text, tc.want)
			}
			if strings.Contains(text, "glrt-") {
				t.Fatalf("a diagnostic shows the token: %s", text)
			}
			if !resp.TargetState.Raw.IsNull() {
				t.Fatal("a rejected move produced a state")
			}
		})
	}
}

func TestMoveStateWarnsOfUnknownAttributes(t *testing.T) {
	resp, m := move(t, gitlabMoveRequest(strings.Replace(gitlabState, `"id": "42"`, `"id": "42", "token_rotation_deadline": "2026-01-01"`, 1)))
	text := acctest.DiagText(resp.Diagnostics)
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 || !strings.Contains(text, "token_rotation_deadline") {
		t.Fatalf("diagnostics: %s", text)
	}
	if m.ID.ValueString() != "42" {
		t.Fatal("the move did not happen")
	}
}

// TestMoveStateFillsDefaults: an attribute GitLab's provider lacks gets the
// schema's default, so it plans no change after the move.
func TestMoveStateFillsDefaults(t *testing.T) {
	s := testRunnerSchema(t)
	a := s.Attributes["rotate_before_expiry"].(rschema.StringAttribute)
	a.Computed, a.Default = true, stringdefault.StaticString("168h")
	s.Attributes["rotate_before_expiry"] = a
	state := nullState(t)
	state.Schema = s
	resp := &resource.MoveStateResponse{TargetState: state}
	moveFromGitLabUserRunner(context.Background(), gitlabMoveRequest(gitlabState), resp)
	var got types.String
	resp.Diagnostics.Append(resp.TargetState.GetAttribute(context.Background(), path.Root("rotate_before_expiry"), &got)...)
	if resp.Diagnostics.HasError() || got.ValueString() != "168h" {
		t.Fatalf("rotate_before_expiry = %v (%s), want the default", got, acctest.DiagText(resp.Diagnostics))
	}
	var expires types.String
	resp.TargetState.GetAttribute(context.Background(), path.Root("token_expires_at"), &expires)
	if !expires.IsNull() {
		t.Fatalf("token_expires_at = %v, want null (no default)", expires)
	}
}

// modelDiff names the attributes where two models differ.
func modelDiff(got, want userRunnerModel) string {
	var out []string
	cmp := func(name string, a, b interface{ String() string }) {
		if a.String() != b.String() {
			out = append(out, name+": "+a.String()+" != "+b.String())
		}
	}
	cmp("id", got.ID, want.ID)
	cmp("runner_type", got.RunnerType, want.RunnerType)
	cmp("group_id", got.GroupID, want.GroupID)
	cmp("project_id", got.ProjectID, want.ProjectID)
	cmp("token", got.Token, want.Token)
	cmp("token_expires_at", got.TokenExpiresAt, want.TokenExpiresAt)
	cmp("rotation_triggers", got.RotationTriggers, want.RotationTriggers)
	cmp("rotate_before_expiry", got.RotateBeforeExpiry, want.RotateBeforeExpiry)
	if !got.Runner.Equal(want.Runner) {
		out = append(out, "runner attributes differ")
	}
	return strings.Join(out, "; ")
}
