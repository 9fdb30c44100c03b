package runnerattrs

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// createKeys is the JSON keys of a create request.
func createKeys(t *testing.T, opts gitlabapi.CreateUserRunnerOptions) map[string]json.RawMessage {
	t.Helper()
	b, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	return keys
}

// Every creation setting is an optional attribute of the resource only, and
// its sample value fills exactly one parameter of the create request.
func TestCreationRows(t *testing.T) {
	rs, ds := ResourceSchema(), DataSourceSchema()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := len(createKeys(t, gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeInstance}))
	for _, row := range creationTable {
		for _, other := range table {
			if other.Name == row.Name {
				t.Errorf("%s is both a runner attribute and a creation setting", row.Name)
			}
		}
		a, ok := rs[row.Name]
		if !ok || !a.IsOptional() || a.IsComputed() || len(a.GetMarkdownDescription()) < 100 {
			t.Errorf("%s: the resource needs it optional, not computed (no default: null leaves it out), and documented", row.Name)
		}
		if _, ok := ds[row.Name]; ok {
			t.Errorf("%s: GitLab never shows it, so the data source must not have it", row.Name)
		}
		if !row.field.sample.Type(context.Background()).Equal(a.GetType()) || !row.field.null.IsNull() {
			t.Errorf("%s: sample or null value of the wrong type", row.Name)
		}
		opts := gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeInstance}
		v := FromAPI(&gitlabapi.RunnerAttributes{})
		v[row.Name] = row.field.sample
		if diags := v.ApplyCreation(now, &opts); diags.HasError() {
			t.Fatalf("%s: %s", row.Name, acctest.DiagText(diags))
		}
		if got := len(createKeys(t, opts)); got != base+1 {
			t.Errorf("%s fills %d parameters of the create request, want 1", row.Name, got-base)
		}
	}
}

// withTestSetting installs a creation setting for the test, so that the
// machinery is tested whatever the real table holds.
func withTestSetting(t *testing.T) CreationSetting {
	t.Helper()
	row := CreationSetting{
		Name:     "test_setting",
		Resource: rschema.StringAttribute{Optional: true, MarkdownDescription: "A creation setting of the tests."},
		Requires: gitlabapi.Requirement{Major: 18, Minor: 10, Enterprise: true},
		field: creationField{
			null:   types.StringNull(),
			sample: types.StringValue("x"),
			toCreate: func(v attr.Value, now time.Time, opts *gitlabapi.CreateUserRunnerOptions) error {
				s := v.(types.String).ValueString() + "@" + now.Format(time.RFC3339)
				opts.MaintenanceNote = &s // any parameter will do: the test reads it back
				return nil
			},
		},
	}
	saved := creationTable
	creationTable = append(append([]CreationSetting(nil), saved...), row)
	t.Cleanup(func() { creationTable = saved })
	return row
}

// Not parallel: it changes the package's table.
func TestCreationSettingsMachinery(t *testing.T) {
	row := withTestSetting(t)
	ctx := context.Background()
	if _, ok := ResourceSchema()[row.Name]; !ok {
		t.Fatal("the resource schema lacks the creation setting")
	}
	if _, ok := DataSourceSchema()[row.Name]; ok {
		t.Error("the data source must not have creation settings")
	}

	// GitLab never shows it: null from the API, the configured value kept on refresh.
	fresh := FromAPI(&gitlabapi.RunnerAttributes{Description: new("d")})
	if v, ok := fresh[row.Name]; !ok || !v.IsNull() {
		t.Errorf("FromAPI: %v, want a null value", v)
	}
	configured := From(map[string]attr.Value{row.Name: types.StringValue("kept"), Description: types.StringValue("old")})
	refreshed := configured.Refreshed(&gitlabapi.RunnerAttributes{Description: new("new")})
	if refreshed[row.Name].(types.String).ValueString() != "kept" || refreshed.Text(Description) != "new" {
		t.Errorf("Refreshed = %v", refreshed)
	}

	// A change needs no PUT, and the update request never carries it.
	changed := FromAPI(&gitlabapi.RunnerAttributes{Description: new("d")})
	changed[row.Name] = types.StringValue("other")
	if !fresh.Equal(changed) {
		t.Error("a change of a creation setting must not need a PUT")
	}
	upd, diags := changed.UpdateOptions(ctx)
	b, _ := json.Marshal(upd)
	var sent map[string]json.RawMessage
	if diags.HasError() || json.Unmarshal(b, &sent) != nil || len(sent) != len(table) {
		t.Errorf("update = %s", b)
	}

	// The create request gets it as of the given time; null leaves it out.
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	opts := gitlabapi.CreateUserRunnerOptions{}
	if diags := changed.ApplyCreation(now, &opts); diags.HasError() || opts.MaintenanceNote == nil || *opts.MaintenanceNote != "other@2026-03-01T12:00:00Z" {
		t.Errorf("ApplyCreation: %v %s", opts.MaintenanceNote, acctest.DiagText(diags))
	}
	opts = gitlabapi.CreateUserRunnerOptions{}
	if diags := fresh.ApplyCreation(now, &opts); diags.HasError() || opts.MaintenanceNote != nil {
		t.Errorf("a null creation setting must not be sent")
	}

	// Only a set setting needs the server checked.
	if got := fresh.CreationRequirements(); len(got) != 0 {
		t.Errorf("unset: %v", got)
	}
	if got := changed.CreationRequirements(); len(got) != 1 || got[0].Name != row.Name || got[0].Requires != row.Requires {
		t.Errorf("set: %v", got)
	}
}
