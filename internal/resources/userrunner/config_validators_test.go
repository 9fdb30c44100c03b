package userrunner

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

func TestRunnerScopeProblems(t *testing.T) {
	null, unknown := tfvalue.Int64Null(), tfvalue.Int64Unknown()
	v := tfvalue.Int64From
	cases := []struct {
		name       string
		runnerType string
		group      tfvalue.Int64Value
		project    tfvalue.Int64Value
		want       []string // per problem: "<attribute>|<substring>"
	}{
		{"instance ok", "instance_type", null, null, nil},
		{"group ok", "group_type", v(12), null, nil},
		{"group unknown id ok", "group_type", unknown, null, nil},
		{"project ok", "project_type", null, v(34), nil},
		{"instance with group", "instance_type", v(12), null, []string{"group_id|group_id = 12 is not allowed"}},
		{"instance with project", "instance_type", null, v(34), []string{"project_id|project_id = 34 is not allowed"}},
		{"instance with both", "instance_type", v(12), v(34), []string{"group_id|group_id = 12", "project_id|project_id = 34"}},
		{"group without id", "group_type", null, null, []string{`group_id|runner_type = "group_type" needs group_id`}},
		{"group with project", "group_type", v(12), v(34), []string{"project_id|project_id = 34 is not allowed"}},
		{"group with project only", "group_type", null, v(34), []string{"group_id|needs group_id", "project_id|project_id = 34"}},
		{"project without id", "project_type", null, null, []string{`project_id|runner_type = "project_type" needs project_id`}},
		{"project with group", "project_type", v(12), v(34), []string{"group_id|group_id = 12 is not allowed"}},
		{"project with unknown group", "project_type", unknown, v(34), []string{"group_id|group_id = (known after apply)"}},
		{"unknown type left to its validator", "shared", v(1), v(2), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := runnerScopeProblems(tc.runnerType, tc.group, tc.project)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems %v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				attrName, sub, _ := strings.Cut(w, "|")
				if got[i].path.String() != attrName {
					t.Errorf("problem %d names %s, want %s", i, got[i].path, attrName)
				}
				if !strings.Contains(got[i].detail, sub) {
					t.Errorf("problem %d: %q should contain %q", i, got[i].detail, sub)
				}
			}
		})
	}
}

func TestUntaggedWithoutTags(t *testing.T) {
	empty := types.SetValueMust(types.StringType, []attr.Value{})
	one := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("docker")})
	cases := []struct {
		name string
		ru   types.Bool
		tags types.Set
		want bool
	}{
		{"false with empty set", types.BoolValue(false), empty, true},
		{"false with omitted tags", types.BoolValue(false), types.SetNull(types.StringType), true},
		{"false with a tag", types.BoolValue(false), one, false},
		{"false with unknown tags", types.BoolValue(false), types.SetUnknown(types.StringType), false},
		{"true with empty", types.BoolValue(true), empty, false},
		{"omitted (default true)", types.BoolNull(), empty, false},
		{"unknown", types.BoolUnknown(), empty, false},
	}
	for _, tc := range cases {
		if got := untaggedWithoutTags(tc.ru, tfvalue.StringSetValue{SetValue: tc.tags}); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// testRunnerConfig builds a configuration of the resource's schema from the
// given attribute values; the others are null.
func testRunnerConfig(t *testing.T, values map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	s := testRunnerSchema(t)
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	all := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := values[name]; ok {
			all[name] = v
		} else {
			all[name] = tftypes.NewValue(at, nil)
		}
	}
	for name := range values {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q in the schema", name)
		}
	}
	return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, all)}
}

func testRunnerSchema(t *testing.T) rschema.Schema {
	t.Helper()
	resp := &resource.SchemaResponse{}
	New().Schema(context.Background(), resource.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %s", acctest.DiagText(resp.Diagnostics))
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema implementation: %s", acctest.DiagText(diags))
	}
	return resp.Schema
}

func TestConfigValidatorsReadTheConfiguration(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	num := func(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }
	boolean := func(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }
	tagSet := func(tags ...string) tftypes.Value {
		var vs []tftypes.Value
		for _, tg := range tags {
			vs = append(vs, str(tg))
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vs)
	}
	cases := []struct {
		name   string
		values map[string]tftypes.Value
		want   []string // substrings; empty = valid
	}{
		{"group ok", map[string]tftypes.Value{"runner_type": str("group_type"), "group_id": num(12)}, nil},
		{"group missing id", map[string]tftypes.Value{"runner_type": str("group_type")}, []string{"group_id: Invalid Runner Scope", "needs group_id"}},
		{"instance with project", map[string]tftypes.Value{"runner_type": str("instance_type"), "project_id": num(34)},
			[]string{"project_id: Invalid Runner Scope", "project_id = 34"}},
		{"untagged without tags", map[string]tftypes.Value{"runner_type": str("instance_type"), "run_untagged": boolean(false)},
			[]string{"run_untagged:", "tag_list"}},
		{"untagged with empty tags", map[string]tftypes.Value{"runner_type": str("instance_type"), "run_untagged": boolean(false), "tag_list": tagSet()},
			[]string{"run_untagged:", "tag_list"}},
		{"untagged with tags", map[string]tftypes.Value{"runner_type": str("instance_type"), "run_untagged": boolean(false), "tag_list": tagSet("docker")}, nil},
		{"unknown type", map[string]tftypes.Value{"runner_type": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "group_id": num(1)}, nil},
	}
	r := New().(resource.ResourceWithConfigValidators)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testRunnerConfig(t, tc.values)
			resp := &resource.ValidateConfigResponse{}
			for _, v := range r.ConfigValidators(context.Background()) {
				v.ValidateResource(context.Background(), resource.ValidateConfigRequest{Config: cfg}, resp)
			}
			text := acctest.DiagText(resp.Diagnostics)
			if len(tc.want) == 0 {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected error: %s", text)
				}
				return
			}
			if !resp.Diagnostics.HasError() {
				t.Fatalf("expected an error containing %v", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q should contain %q", text, w)
				}
			}
		})
	}
}

// TestRotationDeadlineProblem: token_rotation_deadline needs token_expires_in
// and may equal it (rotation disabled) but not exceed it, in GitLab's words
// (ee/app/services/ee/ci/runners/create_runner_service.rb); unknown or
// unparsable values are left alone.
func TestRotationDeadlineProblem(t *testing.T) {
	s, null, unknown := types.StringValue, types.StringNull(), types.StringUnknown()
	for _, c := range []struct {
		deadline, expiresIn types.String
		want                string
	}{
		{null, null, ""},
		{null, s("72h"), ""},
		{s("48h"), s("72h"), ""},
		{s("72h"), s("72h"), ""},
		{s("4320m"), s("72h"), ""},
		{unknown, s("1h"), ""},
		{s("2h"), unknown, ""},
		{s("soon"), s("1h"), ""},
		{s("48h"), null, `token_rotation_deadline = "48h" needs token_expires_in: GitLab answers "token_expires_at is required when token_rotation_deadline is specified"`},
		{s("73h"), s("72h"), `token_rotation_deadline = "73h" comes after token_expires_in = "72h": GitLab answers "token_rotation_deadline must be less than or equal to token_expires_at"`},
	} {
		got := rotationDeadlineProblem(c.deadline, c.expiresIn)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("deadline %s, expires in %s: %q, want %q", c.deadline, c.expiresIn, got, c.want)
		}
	}
}
