package settingsattrs

import (
	"context"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestReadWrite: what Write puts into a state, Read gives back: the
// resource's own attributes beside the settings, and the settings alone.
func TestReadWrite(t *testing.T) {
	ctx := context.Background()
	attrs := Project.Schema()
	attrs["id"] = rschema.StringAttribute{Computed: true}
	schema := rschema.Schema{Attributes: attrs}
	state := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(schema.Type().TerraformType(ctx), nil)}
	settings := Values{"shared_runners_enabled": types.BoolValue(true), "group_runners_enabled": types.BoolNull()}
	if diags := Write(ctx, &state, schema.Type(), map[string]attr.Value{"id": types.StringValue("42")}, settings); diags.HasError() {
		t.Fatal(diags)
	}
	all, got, diags := Project.Read(ctx, state)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !maps.EqualFunc(got, settings, attr.Value.Equal) {
		t.Errorf("settings read back %v, want %v", got, settings)
	}
	if !all["id"].Equal(types.StringValue("42")) || len(all) != len(settings)+1 {
		t.Errorf("attributes read back %v, want id 42 and the settings", all)
	}
	if diags := Write(ctx, &state, schema.Type(), map[string]attr.Value{}, settings); !diags.HasError() {
		t.Error("Write without the resource's own id: no error, want one")
	}
}
