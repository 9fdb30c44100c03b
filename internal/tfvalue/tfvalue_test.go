package tfvalue

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestTime(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 123e6, time.FixedZone("CEST", 2*3600))
	if got := Time(&at); got.ValueString() != "2024-05-01T10:00:00Z" {
		t.Errorf("Time = %s, want RFC 3339 in UTC without fractions", got)
	}
	var zero time.Time
	if !Time(nil).IsNull() || !Time(&zero).IsNull() {
		t.Error("nil and the zero time must be null")
	}
	if parsed, err := time.Parse(TimeLayout, Time(&at).ValueString()); err != nil || !parsed.Equal(at.Truncate(time.Second)) {
		t.Errorf("TimeLayout does not read back what Time writes: %v %v", parsed, err)
	}
}

func TestStringCollections(t *testing.T) {
	if l := StringList(nil); l.IsNull() || len(l.Elements()) != 0 {
		t.Errorf("StringList(nil) = %s, want []", l)
	}
	l := StringList([]string{"b", "a"})
	if got := l.Elements(); len(got) != 2 || got[0].(types.String).ValueString() != "b" {
		t.Errorf("StringList keeps the order: %s", l)
	}
	if s := StringSet(nil); s.IsNull() || len(s.Elements()) != 0 {
		t.Errorf("StringSet(nil) = %s, want []", s)
	}
}

func TestObject(t *testing.T) {
	typ := types.ObjectType{AttrTypes: map[string]attr.Type{"id": types.StringType}}
	obj, diags := Object(typ, map[string]attr.Value{"id": types.StringValue("7")})
	if diags.HasError() || !obj.Attributes()["id"].Equal(types.StringValue("7")) {
		t.Errorf("Object = %s, %v", obj, diags)
	}
	if _, diags := Object(typ, map[string]attr.Value{}); !diags.HasError() {
		t.Error("a missing attribute must be an error")
	}
	if _, diags := Object(types.StringType, nil); !diags.HasError() {
		t.Error("a type that is not an object must be an error")
	}
}

// TestReadWriteObject: ReadObject and WriteObject read and write what the
// framework's Get into a types.Object and Set of it do, custom types, sets,
// maps, nulls and unknowns included.
func TestReadWriteObject(t *testing.T) {
	ctx := context.Background()
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"id":       schema.StringAttribute{Computed: true},
		"group_id": schema.Int64Attribute{CustomType: Int64Type{}, Optional: true},
		"tags":     schema.SetAttribute{CustomType: NewStringSetType(), ElementType: types.StringType, Optional: true},
		"triggers": schema.MapAttribute{ElementType: types.StringType, Optional: true},
		"paused":   schema.BoolAttribute{Optional: true},
	}}
	typ := s.Type()
	tfType := typ.TerraformType(ctx)
	raw := tftypes.NewValue(tfType, map[string]tftypes.Value{
		"id":       tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"group_id": tftypes.NewValue(tftypes.Number, 42),
		"tags": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{
			tftypes.NewValue(tftypes.String, "a"), tftypes.NewValue(tftypes.String, "b")}),
		"triggers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
			"r": tftypes.NewValue(tftypes.String, "1")}),
		"paused": tftypes.NewValue(tftypes.Bool, nil),
	})

	var viaFramework types.Object
	if diags := (tfsdk.State{Schema: s, Raw: raw}).Get(ctx, &viaFramework); diags.HasError() {
		t.Fatal(diags)
	}
	got, diags := ReadObject(ctx, typ, raw)
	if diags.HasError() {
		t.Fatal(diags)
	}
	for name, want := range viaFramework.Attributes() {
		if !got[name].Equal(want) {
			t.Errorf("%s: ReadObject %s (%T), the framework's Get %s (%T)", name, got[name], got[name], want, want)
		}
	}
	if len(got) != len(viaFramework.Attributes()) {
		t.Errorf("ReadObject read %d attributes, the framework %d", len(got), len(viaFramework.Attributes()))
	}

	some, diags := ReadAttributes(ctx, typ, raw, "group_id", "tags", "id")
	if diags.HasError() || len(some) != 3 {
		t.Fatalf("ReadAttributes = %v, %v", some, diags)
	}
	for name, v := range some {
		var want attr.Value
		if diags := (tfsdk.State{Schema: s, Raw: raw}).GetAttribute(ctx, path.Root(name), &want); diags.HasError() {
			t.Fatal(diags)
		}
		if !v.Equal(want) {
			t.Errorf("%s: ReadAttributes %s, the framework's GetAttribute %s", name, v, want)
		}
	}
	for _, whole := range []tftypes.Value{tftypes.NewValue(tfType, nil), tftypes.NewValue(tfType, tftypes.UnknownValue)} {
		some, diags := ReadAttributes(ctx, typ, whole, "group_id", "tags")
		for name, v := range some {
			var want attr.Value
			if d := (tfsdk.State{Schema: s, Raw: whole}).GetAttribute(ctx, path.Root(name), &want); d.HasError() {
				t.Fatal(d)
			}
			if diags.HasError() || !v.Equal(want) {
				t.Errorf("%s of %s: ReadAttributes %s, %v; the framework's GetAttribute %s", name, whole, v, diags, want)
			}
		}
	}
	if _, diags := ReadAttributes(ctx, typ, raw, "nope"); !diags.HasError() {
		t.Error("an attribute the schema lacks must be an error")
	}

	written, diags := WriteObject(ctx, typ, got)
	if diags.HasError() {
		t.Fatal(diags)
	}
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(tfType, nil)}
	if diags := state.Set(ctx, viaFramework); diags.HasError() {
		t.Fatal(diags)
	}
	if !written.Equal(state.Raw) || !written.Equal(raw) {
		t.Errorf("WriteObject wrote %s; the framework's Set %s", written, state.Raw)
	}

	if _, diags := ReadObject(ctx, typ, tftypes.NewValue(tftypes.String, "not an object")); !diags.HasError() {
		t.Error("a value of another type must be an error")
	}
	if _, diags := WriteObject(ctx, typ, map[string]attr.Value{"id": types.StringValue("7")}); !diags.HasError() {
		t.Error("missing attributes must be an error")
	}
}

// TestSetAttributes: SetAttributes writes what SetAttribute of each value
// writes, into a state not written yet (null) and into one written before,
// and refuses what SetAttribute refuses (a number beyond 64 bits).
func TestSetAttributes(t *testing.T) {
	ctx := context.Background()
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"id":       schema.StringAttribute{Computed: true},
		"group_id": schema.Int64Attribute{CustomType: Int64Type{}, Optional: true},
		"tags":     schema.SetAttribute{CustomType: NewStringSetType(), ElementType: types.StringType, Optional: true},
		"token":    schema.StringAttribute{Computed: true},
	}}
	typ := s.Type()
	values := map[string]attr.Value{"id": types.StringValue("7"), "group_id": Int64From(42)}
	written := tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ.TerraformType(ctx), nil)}
	if diags := written.SetAttribute(ctx, path.Root("token"), types.StringValue("t")); diags.HasError() {
		t.Fatal(diags)
	}
	for name, start := range map[string]tftypes.Value{"null": tftypes.NewValue(typ.TerraformType(ctx), nil), "written": written.Raw} {
		viaFramework := tfsdk.State{Schema: s, Raw: start}
		for n, v := range values {
			if diags := viaFramework.SetAttribute(ctx, path.Root(n), v); diags.HasError() {
				t.Fatal(diags)
			}
		}
		got, diags := SetAttributes(ctx, typ, start, values)
		if diags.HasError() || !got.Equal(viaFramework.Raw) {
			t.Errorf("%s: SetAttributes = %s, %v; SetAttribute of each: %s", name, got, diags, viaFramework.Raw)
		}
	}

	huge, err := Int64Type{}.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Number, new(big.Float).SetFloat64(1e30)))
	if err != nil {
		t.Fatal(err)
	}
	viaFramework := tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ.TerraformType(ctx), nil)}
	if diags := viaFramework.SetAttribute(ctx, path.Root("group_id"), huge); !diags.HasError() {
		t.Fatal("the framework took a number beyond 64 bits: the case proves nothing")
	}
	if _, diags := SetAttributes(ctx, typ, tftypes.NewValue(typ.TerraformType(ctx), nil), map[string]attr.Value{"group_id": huge}); !diags.HasError() {
		t.Error("SetAttributes took a number beyond 64 bits, which SetAttribute refuses")
	}
}

func triggers(kv ...string) types.Map {
	m := map[string]attr.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = types.StringValue(kv[i+1])
	}
	return types.MapValueMust(types.StringType, m)
}

func TestTriggersChanged(t *testing.T) {
	null := types.MapNull(types.StringType)
	unknownElem := types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringUnknown()})
	cases := []struct {
		name          string
		before, after types.Map
		want          bool
	}{
		{"null to null", null, null, false},
		{"null to empty", null, triggers(), false},
		{"same", triggers("k", "1"), triggers("k", "1"), false},
		{"value changed", triggers("k", "1"), triggers("k", "2"), true},
		{"key added", triggers("k", "1"), triggers("k", "1", "j", "1"), true},
		{"key renamed", triggers("k", "1"), triggers("j", "1"), true},
		{"removed", triggers("k", "1"), null, true},
		{"first trigger", null, triggers("k", "1"), true},
		{"unknown map", triggers("k", "1"), types.MapUnknown(types.StringType), true},
		{"unknown element", triggers("k", "1"), unknownElem, true},
	}
	for _, tc := range cases {
		if got := TriggersChanged(tc.before, tc.after); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// As: the attribute as its type; missing is null; another type is a
// diagnostic naming the attribute.
func TestAs(t *testing.T) {
	attrs := map[string]attr.Value{"id": types.StringValue("7"), "n": types.Int64Value(3)}
	var diags diag.Diagnostics
	if got := As[types.String](attrs, "id", &diags); got.ValueString() != "7" || diags.HasError() {
		t.Fatalf("id = %s %v", got, diags)
	}
	if got := As[types.Bool](attrs, "missing", &diags); !got.IsNull() || diags.HasError() {
		t.Fatalf("missing = %s %v", got, diags)
	}
	As[types.String](attrs, "n", &diags)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "The attribute n is a basetypes.Int64Value") {
		t.Fatalf("wrong type: %v", diags)
	}
}
