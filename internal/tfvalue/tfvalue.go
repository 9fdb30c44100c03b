// Package tfvalue turns GitLab's Go values into Terraform values the one way
// the provider shows them to users, whatever resource or data source they
// appear in: times as RFC 3339 in UTC, "GitLab did not say" as null, lists
// that are never null.
package tfvalue

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

// SchemaType is the Terraform type of r's schema (what Object, ReadObject
// and WriteObject take), built on the first call and kept: the framework's
// Get and Set of a whole plan or state rebuild it on every call.
func SchemaType(r resource.Resource) func() attr.Type {
	return sync.OnceValue(func() attr.Type {
		resp := &resource.SchemaResponse{}
		r.Schema(context.Background(), resource.SchemaRequest{}, resp)
		return resp.Schema.Type()
	})
}

// ReadObject is the attributes of raw, the whole value of a plan, a state or
// a configuration (its Raw), read with t, its schema's type (Schema.Type()):
// what Get into a types.Object gives. The framework's Get rebuilds the
// schema's type on every call (a map of every attribute, the attribute types
// again); callers that read the same schema for every runner keep t.
func ReadObject(ctx context.Context, t attr.Type, raw tftypes.Value) (map[string]attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	v, err := t.ValueFromTerraform(ctx, raw)
	if err != nil {
		diags.AddError("Value Conversion Error", fmt.Sprintf(
			"An unexpected error was encountered trying to read the resource's data. This is a bug in the provider; "+
				"please report it.\n\nError: %s", err))
		return nil, diags
	}
	obj, ok := v.(types.Object)
	if !ok {
		diags.AddError("Unexpected Schema Type",
			fmt.Sprintf("A schema's type is %T, not an object type. This is a bug in the provider; please report it.", t))
		return nil, diags
	}
	return obj.Attributes(), diags
}

// ReadAttributes is the named top-level attributes of raw (as ReadObject
// reads them), converting only those: what GetAttribute of each gives,
// without a schema walk per attribute. The attributes of a null or unknown
// object are null, as GetAttribute reads them.
func ReadAttributes(ctx context.Context, t attr.Type, raw tftypes.Value, names ...string) (map[string]attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	ot, ok := t.(attr.TypeWithAttributeTypes)
	if !ok {
		diags.AddError("Unexpected Schema Type",
			fmt.Sprintf("A schema's type is %T, not an object type. This is a bug in the provider; please report it.", t))
		return nil, diags
	}
	var values map[string]tftypes.Value
	if raw.IsKnown() && !raw.IsNull() {
		if err := raw.As(&values); err != nil {
			diags.AddError("Value Conversion Error", fmt.Sprintf(
				"An unexpected error was encountered trying to read the resource's data. This is a bug in the provider; "+
					"please report it.\n\nError: %s", err))
			return nil, diags
		}
	}
	out := make(map[string]attr.Value, len(names))
	for _, name := range names {
		at, ok := ot.AttributeTypes()[name]
		if !ok {
			diags.AddAttributeError(path.Root(name), "Unknown Attribute",
				fmt.Sprintf("The schema has no attribute %s. This is a bug in the provider; please report it.", name))
			continue
		}
		v, ok := values[name]
		if !ok {
			v = tftypes.NewValue(at.TerraformType(ctx), nil)
		}
		value, err := at.ValueFromTerraform(ctx, v)
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Value Conversion Error", err.Error())
			continue
		}
		out[name] = value
	}
	return out, diags
}

// WriteObject is values as the whole value of type t (a schema's type), for
// the Raw of a plan or a state: what Set of Object(t, values) writes, without
// the framework rebuilding the schema's type to check it (t is the schema's).
func WriteObject(ctx context.Context, t attr.Type, values map[string]attr.Value) (tftypes.Value, diag.Diagnostics) {
	obj, diags := Object(t, values)
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	raw, err := obj.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Value Conversion Error", fmt.Sprintf(
			"An unexpected error was encountered trying to write the resource's data. This is a bug in the provider; "+
				"please report it.\n\nError: %s", err))
	}
	return raw, diags
}

// SetAttributes is raw, the whole value of a plan or a state of type t (a
// schema's type; null for one not written yet), with the top-level
// attributes in values replaced: what SetAttribute of each gives, the values
// checked as it checks them, in one write (SetAttribute walks the whole value,
// and the schema at every step, for each attribute).
func SetAttributes(ctx context.Context, t attr.Type, raw tftypes.Value, values map[string]attr.Value) (tftypes.Value, diag.Diagnostics) {
	ot, ok := t.(attr.TypeWithAttributeTypes)
	if !ok {
		var diags diag.Diagnostics
		diags.AddError("Unexpected Schema Type",
			fmt.Sprintf("A schema's type is %T, not an object type. This is a bug in the provider; please report it.", t))
		return raw, diags
	}
	attrTypes := ot.AttributeTypes()
	var current map[string]attr.Value
	var diags diag.Diagnostics
	if raw.IsNull() { // every attribute null, as SetAttribute makes it
		current = make(map[string]attr.Value, len(attrTypes))
		for name, at := range attrTypes {
			null, err := at.ValueFromTerraform(ctx, tftypes.NewValue(at.TerraformType(ctx), nil))
			if err != nil {
				diags.AddAttributeError(path.Root(name), "Value Conversion Error", err.Error())
			}
			current[name] = null
		}
	} else {
		current, diags = ReadObject(ctx, t, raw)
	}
	for name, v := range values {
		diags.Append(validateValue(ctx, path.Root(name), attrTypes[name], v)...)
		current[name] = v
	}
	if diags.HasError() {
		return raw, diags
	}
	return WriteObject(ctx, t, current)
}

// validateValue checks v, a value of type t at p, as the framework checks a
// value written with SetAttribute: its own ValidateAttribute, else its
// type's Validate.
func validateValue(ctx context.Context, p path.Path, t attr.Type, v attr.Value) diag.Diagnostics {
	if va, ok := v.(xattr.ValidateableAttribute); ok {
		resp := xattr.ValidateAttributeResponse{}
		va.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
		return resp.Diagnostics
	}
	//nolint:staticcheck // xattr.TypeWithValidate is deprecated, but the framework still calls it.
	if tv, ok := t.(xattr.TypeWithValidate); ok {
		raw, err := v.ToTerraformValue(ctx)
		if err != nil {
			var diags diag.Diagnostics
			diags.AddAttributeError(p, "Value Conversion Error", err.Error())
			return diags
		}
		return tv.Validate(ctx, raw, p)
	}
	return nil
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
