package resourceidentity

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type pairModel struct {
	ParentID types.Int64 `tfsdk:"parent_id"`
	ChildID  types.Int64 `tfsdk:"child_id"`
}

var pair = New(map[string]identityschema.Attribute{
	"parent_id": identityschema.Int64Attribute{RequiredForImport: true},
	"child_id":  identityschema.Int64Attribute{OptionalForImport: true},
})

// TestSet: Set writes what the framework's Set of the same model writes,
// a null attribute included, and nothing where Terraform knows no identity.
func TestSet(t *testing.T) {
	ctx := context.Background()
	for _, m := range []pairModel{
		{ParentID: types.Int64Value(3), ChildID: types.Int64Value(42)},
		{ParentID: types.Int64Value(3), ChildID: types.Int64Null()},
	} {
		got := &tfsdk.ResourceIdentity{Schema: pair.Schema(), Raw: tftypes.NewValue(pair.typ.TerraformType(ctx), nil)}
		if diags := pair.Set(ctx, got, map[string]attr.Value{"parent_id": m.ParentID, "child_id": m.ChildID}); diags.HasError() {
			t.Fatalf("Set: %v", diags)
		}
		want := &tfsdk.ResourceIdentity{Schema: pair.Schema(), Raw: tftypes.NewValue(pair.typ.TerraformType(ctx), nil)}
		if diags := want.Set(ctx, m); diags.HasError() {
			t.Fatalf("the framework's Set: %v", diags)
		}
		if !got.Raw.Equal(want.Raw) {
			t.Errorf("Set wrote %s, the framework's Set %s", got.Raw, want.Raw)
		}
	}
	if diags := pair.Set(ctx, nil, map[string]attr.Value{"parent_id": types.Int64Value(3)}); len(diags) != 0 {
		t.Errorf("Set without an identity (Terraform before 1.12): %v, want nothing", diags)
	}
	if diags := pair.Set(ctx, &tfsdk.ResourceIdentity{}, map[string]attr.Value{"parent_id": types.Int64Value(3)}); !diags.HasError() {
		t.Error("Set without child_id: no error, want one (every attribute of the schema is written)")
	}
}

// TestReadImported: an import by identity is read into the model; an import
// by id, or from a Terraform without identities, is not.
func TestReadImported(t *testing.T) {
	ctx := context.Background()
	identity := &tfsdk.ResourceIdentity{Schema: pair.Schema()}
	if diags := pair.Set(ctx, identity, map[string]attr.Value{"parent_id": types.Int64Value(3), "child_id": types.Int64Null()}); diags.HasError() {
		t.Fatal(diags)
	}
	for _, c := range []struct {
		name string
		req  resource.ImportStateRequest
		want bool
	}{
		{"by identity", resource.ImportStateRequest{Identity: identity}, true},
		{"by id, identity known", resource.ImportStateRequest{ID: "3/42", Identity: identity}, false},
		{"by id, before 1.12", resource.ImportStateRequest{ID: "3/42"}, false},
	} {
		var diags diag.Diagnostics
		var m pairModel
		if got := ReadImported(ctx, c.req, &m, &diags); got != c.want || diags.HasError() {
			t.Errorf("%s: %v (%v), want %v", c.name, got, diags, c.want)
		}
		if c.want && (m.ParentID.ValueInt64() != 3 || !m.ChildID.IsNull()) {
			t.Errorf("%s: read %+v, want parent_id 3 and a null child_id", c.name, m)
		}
	}
	var diags diag.Diagnostics
	var wrong struct {
		Other types.String `tfsdk:"other"`
	}
	if ReadImported(ctx, resource.ImportStateRequest{Identity: identity}, &wrong, &diags) || !diags.HasError() {
		t.Errorf("a model that does not fit: %v, want false and an error", diags)
	}
}

// TestSetFromState: the identity's attributes are read from a state under
// the same names; a missing state, or one that lacks a value, records none.
func TestSetFromState(t *testing.T) {
	ctx := context.Background()
	resourceSchema := schema.Schema{Attributes: map[string]schema.Attribute{
		"id":        schema.StringAttribute{Computed: true},
		"parent_id": schema.Int64Attribute{Required: true},
		"child_id":  schema.Int64Attribute{Optional: true},
	}}
	state := func(parent, child attr.Value) tfsdk.State {
		s := tfsdk.State{Schema: resourceSchema, Raw: tftypes.NewValue(resourceSchema.Type().TerraformType(ctx), nil)}
		for name, v := range map[string]attr.Value{"id": types.StringValue("3/42"), "parent_id": parent, "child_id": child} {
			if diags := s.SetAttribute(ctx, path.Root(name), v); diags.HasError() {
				t.Fatal(diags)
			}
		}
		return s
	}
	identity := &tfsdk.ResourceIdentity{Schema: pair.Schema()}
	if diags := pair.SetFromState(ctx, identity, state(types.Int64Value(3), types.Int64Value(42))); diags.HasError() {
		t.Fatal(diags)
	}
	var got pairModel
	if diags := identity.Get(ctx, &got); diags.HasError() || got.ParentID.ValueInt64() != 3 || got.ChildID.ValueInt64() != 42 {
		t.Errorf("identity %+v (%v), want parent_id 3 and child_id 42", got, diags)
	}
	for name, s := range map[string]tfsdk.State{
		"no state":       {Schema: resourceSchema, Raw: tftypes.NewValue(resourceSchema.Type().TerraformType(ctx), nil)},
		"unknown id":     state(types.Int64Unknown(), types.Int64Value(42)),
		"null attribute": state(types.Int64Value(3), types.Int64Null()),
	} {
		identity := &tfsdk.ResourceIdentity{Schema: pair.Schema()}
		if diags := pair.SetFromState(ctx, identity, s); diags.HasError() || !identity.Raw.Equal(tftypes.Value{}) {
			t.Errorf("%s: identity %s (%v), want none", name, identity.Raw, diags)
		}
	}
	if diags := pair.SetFromState(ctx, nil, state(types.Int64Value(3), types.Int64Value(42))); len(diags) != 0 {
		t.Errorf("without an identity (Terraform before 1.12): %v, want nothing", diags)
	}
}

// TestImportedID: the positive id of the import id or of the identity; any
// other import id is the resource's error, naming what was given.
func TestImportedID(t *testing.T) {
	ctx := context.Background()
	group := New(map[string]identityschema.Attribute{"group_id": identityschema.Int64Attribute{RequiredForImport: true}})
	identity := &tfsdk.ResourceIdentity{Schema: group.Schema()}
	if diags := group.Set(ctx, identity, map[string]attr.Value{"group_id": types.Int64Value(7)}); diags.HasError() {
		t.Fatal(diags)
	}
	invalid := func(given string) string { return "not a group id: " + given }
	for _, c := range []struct {
		name    string
		req     resource.ImportStateRequest
		want    int64
		wantErr string
	}{
		{"import id", resource.ImportStateRequest{ID: "12"}, 12, ""},
		{"identity", resource.ImportStateRequest{Identity: identity}, 7, ""},
		{"import id beside an identity", resource.ImportStateRequest{ID: "12", Identity: identity}, 12, ""},
		{"not a number", resource.ImportStateRequest{ID: "demo/platform"}, 0, "not a group id: demo/platform"},
		{"zero", resource.ImportStateRequest{ID: "0"}, 0, "not a group id: 0"},
		{"empty, no identity", resource.ImportStateRequest{}, 0, "not a group id: "},
	} {
		var diags diag.Diagnostics
		id, ok := group.ImportedID(ctx, c.req, &diags, invalid)
		if id != c.want || ok != (c.wantErr == "") {
			t.Errorf("%s: %d, %v; want %d", c.name, id, ok, c.want)
		}
		if text := fmt.Sprint(diags); c.wantErr != "" && (!diags.HasError() || !strings.Contains(text, c.wantErr) ||
			!strings.Contains(text, "Invalid Import ID")) {
			t.Errorf("%s: %s, want Invalid Import ID: %s", c.name, text, c.wantErr)
		}
	}
}
