package userrunner

// Plain Go tests of the resource's pure logic: the rotation decision, the
// creation marker, id and version parsing, model conversions.

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

func triggers(kv ...string) types.Map {
	m := map[string]attr.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = types.StringValue(kv[i+1])
	}
	return types.MapValueMust(types.StringType, m)
}

func TestRotationNeeded(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	expiring := func(in time.Duration) types.String { return types.StringValue(now.Add(in).Format(time.RFC3339)) }
	base := func() rotationView {
		return rotationView{
			Token:              types.StringValue("glrt-x"),
			TokenExpiresAt:     types.StringNull(),
			RotationTriggers:   triggers("v", "1"),
			RotateBeforeExpiry: types.StringNull(),
		}
	}
	cases := []struct {
		name   string
		mutate func(state, plan *rotationView)
		want   bool
		reason string
	}{
		{"nothing", func(s, p *rotationView) {}, false, ""},
		{"trigger changed", func(s, p *rotationView) { p.RotationTriggers = triggers("v", "2") }, true, "rotation_triggers changed"},
		{"imported then trigger", func(s, p *rotationView) {
			s.Token, s.RotationTriggers = types.StringNull(), types.MapNull(types.StringType)
		}, true, "imported"},
		{"imported without trigger", func(s, p *rotationView) {
			s.Token, s.RotationTriggers, p.RotationTriggers = types.StringNull(), types.MapNull(types.StringType), types.MapNull(types.StringType)
		}, false, ""},
		{"inside window", func(s, p *rotationView) {
			s.TokenExpiresAt, p.RotateBeforeExpiry = expiring(100*time.Hour), types.StringValue("168h")
		}, true, "within rotate_before_expiry"},
		{"exactly at window", func(s, p *rotationView) {
			s.TokenExpiresAt, p.RotateBeforeExpiry = expiring(168*time.Hour), types.StringValue("168h")
		}, true, "within"},
		{"already expired", func(s, p *rotationView) {
			s.TokenExpiresAt, p.RotateBeforeExpiry = expiring(-time.Hour), types.StringValue("168h")
		}, true, "within"},
		{"outside window", func(s, p *rotationView) {
			s.TokenExpiresAt, p.RotateBeforeExpiry = expiring(169*time.Hour), types.StringValue("168h")
		}, false, ""},
		{"no expiry", func(s, p *rotationView) { p.RotateBeforeExpiry = types.StringValue("168h") }, false, ""},
		{"expiring but no window", func(s, p *rotationView) { s.TokenExpiresAt = expiring(time.Minute) }, false, ""},
		{"window unknown", func(s, p *rotationView) {
			s.TokenExpiresAt, p.RotateBeforeExpiry = expiring(time.Minute), types.StringUnknown()
		}, false, ""},
		{"invalid window ignored", func(s, p *rotationView) {
			s.TokenExpiresAt, p.RotateBeforeExpiry = expiring(time.Minute), types.StringValue("soon")
		}, false, ""},
		{"stale, on_stale_token rotate", func(s, p *rotationView) {
			s.TokenCurrent, p.OnStaleToken = types.BoolValue(false), types.StringValue("rotate")
		}, true, "stale"},
		{"stale, on_stale_token warn", func(s, p *rotationView) {
			s.TokenCurrent, p.OnStaleToken = types.BoolValue(false), types.StringValue("warn")
		}, false, ""},
		{"stale, on_stale_token unset (warn)", func(s, p *rotationView) { s.TokenCurrent = types.BoolValue(false) }, false, ""},
		{"current, on_stale_token rotate", func(s, p *rotationView) {
			s.TokenCurrent, p.OnStaleToken = types.BoolValue(true), types.StringValue("rotate")
		}, false, ""},
		{"cannot tell, on_stale_token rotate", func(s, p *rotationView) {
			s.TokenCurrent, p.OnStaleToken = types.BoolNull(), types.StringValue("rotate")
		}, false, ""},
	}
	for _, tc := range cases {
		state, plan := base(), base()
		tc.mutate(&state, &plan)
		got, reason := rotationNeeded(&state, &plan, now)
		if got != tc.want || !strings.Contains(reason, tc.reason) {
			t.Errorf("%s: got %v (%q), want %v (%q)", tc.name, got, reason, tc.want, tc.reason)
		}
	}
}

func TestApplyDetailsReadsScopeBack(t *testing.T) {
	timeout := int64(3600)
	cases := []struct {
		details        gitlabapi.RunnerDetails
		group, project tfvalue.Int64Value
	}{
		{gitlabapi.RunnerDetails{RunnerInfo: gitlabapi.RunnerInfo{ID: 1, RunnerType: "group_type"}, Groups: []gitlabapi.RunnerGroup{{ID: 12}}}, tfvalue.Int64From(12), tfvalue.Int64Null()},
		{gitlabapi.RunnerDetails{RunnerInfo: gitlabapi.RunnerInfo{ID: 2, RunnerType: "project_type"}, Projects: []gitlabapi.RunnerProject{{ID: 34}, {ID: 35}}}, tfvalue.Int64Null(), tfvalue.Int64From(34)},
		{gitlabapi.RunnerDetails{RunnerInfo: gitlabapi.RunnerInfo{ID: 3, RunnerType: "instance_type"}, RunnerAttributes: gitlabapi.RunnerAttributes{MaximumTimeout: &timeout}}, tfvalue.Int64Null(), tfvalue.Int64Null()},
	}
	// A configured project the runner is still enabled in is kept.
	keep := userRunnerModel{ProjectID: tfvalue.Int64From(35)}
	keep.applyDetails(&cases[1].details)
	if keep.ProjectID.ValueInt64() != 35 {
		t.Errorf("project 35 is one of the runner's projects and must be kept, got %s", keep.ProjectID)
	}
	for _, tc := range cases {
		m := userRunnerModel{GroupID: tfvalue.Int64From(99), ProjectID: tfvalue.Int64From(98), Token: types.StringValue("glrt-keep")}
		m.applyDetails(&tc.details)
		if !m.GroupID.Equal(tc.group) || !m.ProjectID.Equal(tc.project) || m.RunnerType.ValueString() != tc.details.RunnerType {
			t.Errorf("runner %d: got type %s group %s project %s", tc.details.ID, m.RunnerType, m.GroupID, m.ProjectID)
		}
		if m.Token.ValueString() != "glrt-keep" {
			t.Errorf("applyDetails must not touch the token")
		}
		if tags := m.Runner["tag_list"].(tfvalue.StringSetValue); tags.IsNull() || len(tags.Elements()) != 0 {
			t.Errorf("no tags must read as an empty set, got %s", tags)
		}
		if timeout := m.Runner["maximum_timeout"]; tc.details.MaximumTimeout == nil && !timeout.IsNull() {
			t.Errorf("no maximum_timeout must read as null, got %s", timeout)
		}
	}
}

// The model is read and written as a whole object: what set writes, get
// reads back, runner attributes included.
func TestModelRoundTrip(t *testing.T) {
	ctx := context.Background()
	m := userRunnerModel{
		ID: types.StringValue("7"), RunnerType: types.StringValue(gitlabapi.RunnerTypeProject),
		GroupID: tfvalue.Int64Null(), ProjectID: tfvalue.Int64From(34),
		Runner: runnerattrs.FromAPI(&gitlabapi.RunnerAttributes{
			Description: new("ci"), MaintenanceNote: new("note"), Paused: new(true), TagList: &[]string{"b", "a"}, MaximumTimeout: new(int64(900)),
		}),
		Token: types.StringValue("glrt-x"), TokenExpiresAt: types.StringNull(),
		RotationTriggers: triggers("k", "1"), RotateBeforeExpiry: types.StringValue("168h"),
	}
	state := tfsdk.State{Schema: testRunnerSchema(t)}
	if diags := m.set(ctx, &state); diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	var got userRunnerModel
	if diags := got.get(ctx, state); diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, m)
	}
	var note types.String
	if diags := state.GetAttribute(ctx, path.Root("maintenance_note"), &note); diags.HasError() || note.ValueString() != "note" {
		t.Errorf("maintenance_note in state = %s %v", note, diags)
	}
}

// Every attribute is documented (the descriptions become the docs).
func TestUserRunnerSchemaDocumented(t *testing.T) {
	s := testRunnerSchema(t)
	if len(s.MarkdownDescription) < 100 {
		t.Errorf("the resource needs a description")
	}
	for name, a := range s.Attributes {
		if len(a.GetMarkdownDescription()) < 20 {
			t.Errorf("attribute %s has no real MarkdownDescription", name)
		}
	}
	if !s.Attributes["token"].IsSensitive() {
		t.Errorf("token must be sensitive")
	}
	for _, want := range []string{"gitlab-runner register --url", "--token", "rotation_triggers", "import"} {
		if !strings.Contains(s.Attributes["token"].GetMarkdownDescription()+s.MarkdownDescription, want) {
			t.Errorf("the token's docs should mention %q", want)
		}
	}
}
