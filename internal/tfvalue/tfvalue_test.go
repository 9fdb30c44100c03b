package tfvalue

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
