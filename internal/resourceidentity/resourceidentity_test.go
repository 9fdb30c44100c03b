package resourceidentity

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
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
