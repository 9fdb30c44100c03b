// Package tfvalue turns GitLab's Go values into Terraform values the one way
// the provider shows them to users, whatever resource or data source they
// appear in: times as RFC 3339 in UTC, "GitLab did not say" as null, lists
// that are never null.
package tfvalue

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TimeLayout is the one time format shown to users (and read back from
// state): RFC 3339, rendered in UTC ("2024-05-01T10:00:00Z").
const TimeLayout = time.RFC3339

// Time renders t in TimeLayout; nil (GitLab did not say) becomes null.
func Time(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(TimeLayout))
}

// Object is the object of type t (a schema's type, Schema.Type()) holding
// values by attribute name: how a model read and written as a whole becomes
// a plan or a state.
func Object(t attr.Type, values map[string]attr.Value) (types.Object, diag.Diagnostics) {
	ot, ok := t.(attr.TypeWithAttributeTypes)
	if !ok {
		var diags diag.Diagnostics
		diags.AddError("Unexpected Schema Type",
			fmt.Sprintf("A schema's type is %T, not an object type. This is a bug in the provider; please report it.", t))
		return types.ObjectNull(nil), diags
	}
	return types.ObjectValue(ot.AttributeTypes(), values)
}

// As is attribute name of an object's attributes as a T; a missing one is
// T's zero value (null), one of another type a diagnostic naming it.
func As[T attr.Value](attributes map[string]attr.Value, name string, diags *diag.Diagnostics) T {
	var zero T
	v, ok := attributes[name]
	if !ok {
		return zero
	}
	t, ok := v.(T)
	if !ok {
		diags.AddAttributeError(path.Root(name), "Unexpected Attribute Type",
			fmt.Sprintf("The attribute %s is a %T, expected %T. This is a bug in the provider; please report it.", name, v, zero))
	}
	return t
}

// StringList turns a Go string slice into a list value, in the same order;
// nil becomes an empty list (GitLab answers [] for "none", never null).
func StringList(values []string) types.List {
	return types.ListValueMust(types.StringType, stringElems(values))
}

// StringSet is StringList for a set.
func StringSet(values []string) types.Set {
	return types.SetValueMust(types.StringType, stringElems(values))
}

func stringElems(values []string) []attr.Value {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return elems
}

// TriggersChanged compares two values of a rotation_triggers map, the
// attribute whose every change rotates a token: null and empty are the
// same; an unknown map (or element) may change, so it counts as changed.
func TriggersChanged(before, after types.Map) bool {
	if after.IsUnknown() || before.IsUnknown() {
		return true
	}
	a, b := before.Elements(), after.Elements()
	if len(a) != len(b) {
		return true
	}
	for k, v := range b {
		old, ok := a[k]
		if !ok || v.IsUnknown() || !v.Equal(old) {
			return true
		}
	}
	return false
}
