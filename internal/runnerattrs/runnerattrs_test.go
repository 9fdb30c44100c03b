package runnerattrs

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// full is a gitlabapi.RunnerAttributes with every field set to a value that
// is not GitLab's default, found by reflection, so that a field added to the
// client without a row here makes the round trip fail.
func full(t *testing.T) gitlabapi.RunnerAttributes {
	t.Helper()
	var a gitlabapi.RunnerAttributes
	v := reflect.ValueOf(&a).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		p := reflect.New(f.Type().Elem())
		switch p.Elem().Kind() {
		case reflect.String:
			p.Elem().SetString("value of " + v.Type().Field(i).Name)
		case reflect.Bool:
			p.Elem().SetBool(true)
		case reflect.Int64:
			p.Elem().SetInt(3600)
		case reflect.Slice:
			p.Elem().Set(reflect.ValueOf([]string{"a", "b"}))
		default:
			t.Fatalf("RunnerAttributes.%s has a kind the table cannot hold yet: %s", v.Type().Field(i).Name, f.Type())
		}
		f.Set(p)
	}
	return a
}

// Every field of gitlabapi.RunnerAttributes goes to Terraform and back
// unchanged, in the resource's values and in the data source's.
func TestEveryClientFieldRoundTrips(t *testing.T) {
	ctx := context.Background()
	want := full(t)
	got, diags := FromAPI(&want).API(ctx)
	if diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		t.Errorf("round trip lost something:\n got %s\nwant %s", gj, wj)
	}
	ds, rs := DataSourceValues(&want), FromAPI(&want)
	for _, row := range table {
		if row.Name == "tag_list" {
			continue // a set in the resource, a list in the data source
		}
		// The same Terraform value (the resource's attributes may have a custom type).
		rv, _ := rs[row.Name].ToTerraformValue(ctx)
		dv, _ := ds[row.Name].ToTerraformValue(ctx)
		if !rv.Equal(dv) {
			t.Errorf("%s: resource %s, data source %s", row.Name, rs[row.Name], ds[row.Name])
		}
	}
	if len(ds) != len(table) || len(FromAPI(&want)) != len(table)+len(creationTable) {
		t.Errorf("values without a row: %d / %d for %d rows and %d creation settings", len(ds), len(FromAPI(&want)), len(table), len(creationTable))
	}
}

// A row's name is the JSON name of the field it fills, and the schemas hold
// the types the values have.
func TestRowsMatchTheClientAndTheSchemas(t *testing.T) {
	ctx := context.Background()
	all := full(t)
	rs, ds := ResourceSchema(), DataSourceSchema()
	for _, row := range table {
		var one gitlabapi.RunnerAttributes
		if diags := row.field.toAPI(ctx, row.Name, row.field.resourceValue(&all), &one); diags.HasError() {
			t.Fatalf("%s: %s", row.Name, acctest.DiagText(diags))
		}
		b, _ := json.Marshal(one)
		var keys map[string]any
		_ = json.Unmarshal(b, &keys)
		if _, ok := keys[row.Name]; !ok || len(keys) != 1 {
			t.Errorf("row %s fills the JSON fields %v", row.Name, keys)
		}
		if got := rs[row.Name].GetType(); !got.Equal(row.field.resourceType) || !got.Equal(row.field.resourceValue(&all).Type(ctx)) {
			t.Errorf("%s: resource schema type %s, values of type %s", row.Name, got, row.field.resourceValue(&all).Type(ctx))
		}
		if got := ds[row.Name].GetType(); !got.Equal(row.field.dataSourceValue(&all).Type(ctx)) || !ds[row.Name].IsComputed() {
			t.Errorf("%s: data source schema type %s, values of type %s", row.Name, got, row.field.dataSourceValue(&all).Type(ctx))
		}
		if len(row.Resource.GetMarkdownDescription()) < 20 || len(row.DataSource) < 20 {
			t.Errorf("%s needs real descriptions", row.Name)
		}
	}
}

// What GitLab leaves out reads, in the resource, as the documented default:
// "", false, no tags, and null for maximum_timeout; in a data source, as
// null (but still no tags).
func TestAbsentValues(t *testing.T) {
	v := FromAPI(&gitlabapi.RunnerAttributes{})
	if v.Text(Description) != "" || !v["paused"].Equal(types.BoolValue(false)) || !v["maximum_timeout"].IsNull() {
		t.Errorf("absent values: %v", v)
	}
	if note := v["maintenance_note"]; !note.Equal(types.StringValue("")) {
		t.Errorf("the resource's maintenance_note defaults to \"\", got %s", note)
	}
	for name, value := range DataSourceValues(&gitlabapi.RunnerAttributes{}) {
		if name != "tag_list" && !value.IsNull() {
			t.Errorf("data source: %s absent in GitLab's answer reads as %s, want null", name, value)
		}
	}
	if note := DataSourceValues(&gitlabapi.RunnerAttributes{MaintenanceNote: new("")})["maintenance_note"]; !note.Equal(types.StringValue("")) {
		t.Errorf("data source: an empty note reads as %s, want \"\"", note)
	}
	if tags := v["tag_list"].(tfvalue.StringSetValue); tags.IsNull() || len(tags.Elements()) != 0 {
		t.Errorf("no tags must read as an empty set, got %s", tags)
	}
	if tags := DataSourceValues(&gitlabapi.RunnerAttributes{})["tag_list"].(types.List); tags.IsNull() || len(tags.Elements()) != 0 {
		t.Errorf("no tags must read as an empty list, got %s", tags)
	}
}

// Update sends the full desired set: defaults too, an empty tag list, and an
// explicit null for a maximum_timeout removed from the configuration; create
// leaves the empty tag list out.
func TestUpdateAndCreateRequests(t *testing.T) {
	ctx := context.Background()
	v := FromAPI(&gitlabapi.RunnerAttributes{RunUntagged: new(true), AccessLevel: new(gitlabapi.AccessLevelNotProtected)})
	upd, diags := v.UpdateOptions(ctx)
	if diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	b, _ := json.Marshal(upd)
	var sent map[string]json.RawMessage
	if err := json.Unmarshal(b, &sent); err != nil || len(sent) != len(table) {
		t.Fatalf("update = %s: want every attribute once (%v)", b, err)
	}
	for _, row := range table {
		if _, ok := sent[row.Name]; !ok {
			t.Errorf("update = %s: %s is missing", b, row.Name)
		}
	}
	for name, want := range map[string]string{"maximum_timeout": "null", "tag_list": "[]", "run_untagged": "true", "description": `""`} {
		if got := string(sent[name]); got != want {
			t.Errorf("update sends %s = %s, want %s", name, got, want)
		}
	}
	v["maximum_timeout"] = tfvalue.Int64From(900)
	v["tag_list"] = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("b"), types.StringValue("a")})
	upd, _ = v.UpdateOptions(ctx)
	if upd.ClearMaximumTimeout || *upd.MaximumTimeout != 900 || strings.Join(*upd.TagList, ",") != "a,b" {
		t.Errorf("update = %+v", upd)
	}
	v["tag_list"] = types.SetValueMust(types.StringType, []attr.Value{})
	create, _ := v.CreateAttributes(ctx)
	if create.TagList != nil || create.Description == nil || create.MaximumTimeout == nil {
		t.Errorf("create = %+v", create)
	}
}

func TestEqual(t *testing.T) {
	a := FromAPI(&gitlabapi.RunnerAttributes{Description: new("x")})
	b := FromAPI(&gitlabapi.RunnerAttributes{Description: new("x")})
	if !a.Equal(b) {
		t.Error("equal values differ")
	}
	for _, row := range table {
		c := FromAPI(&gitlabapi.RunnerAttributes{Description: new("x")})
		c[row.Name] = row.field.resourceValue(new(full(t)))
		if a.Equal(c) {
			t.Errorf("a change of %s is not seen", row.Name)
		}
	}
	if a.Equal(From(map[string]attr.Value{})) {
		t.Error("absent values are equal to set ones")
	}
}
