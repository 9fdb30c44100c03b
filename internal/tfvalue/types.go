package tfvalue

// Two attribute types that fix what the plugin framework's own get wrong
// for configuration users write:
//
//   - Int64Type: the framework fails to read a number that is not a 64-bit
//     integer (project_id = 99999999999999999999) with "Configuration Read
//     Error ... This is always an error in the provider ... %!s(*big.Float=1e+20)".
//     Int64Type reads it into a value whose own validation reports, on the
//     attribute, what the number is and what is allowed.
//   - StringSetType: the framework's SetType.Validate compares every pair of
//     elements to find duplicates, on every read of the attribute, so a set
//     of 10,000 tags took minutes to plan. Terraform never sends a set with
//     duplicates; StringSetType checks them in one pass with a map.
//
// Both are the framework's types in everything else: the same Terraform
// type (number, set of string), the same values in state.

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Int64Type is an Int64 attribute's CustomType for values users write.
type Int64Type struct{ basetypes.Int64Type }

var (
	_ basetypes.Int64Typable      = Int64Type{}
	_ basetypes.Int64Valuable     = Int64Value{}
	_ xattr.ValidateableAttribute = Int64Value{}
)

// Equal reports whether o is an Int64Type.
func (t Int64Type) Equal(o attr.Type) bool {
	_, ok := o.(Int64Type)
	return ok
}

func (t Int64Type) String() string { return "tfvalue.Int64Type" }

// ValueType is Int64Value.
func (t Int64Type) ValueType(context.Context) attr.Value { return Int64Value{} }

// ValueFromInt64 wraps a framework Int64.
func (t Int64Type) ValueFromInt64(_ context.Context, v basetypes.Int64Value) (basetypes.Int64Valuable, diag.Diagnostics) {
	return Int64Value{Int64Value: v}, nil
}

// ValueFromTerraform never fails on a number: one that is not a 64-bit
// integer becomes an Int64Value that reports it in ValidateAttribute.
func (t Int64Type) ValueFromTerraform(_ context.Context, in tftypes.Value) (attr.Value, error) {
	switch {
	case !in.IsKnown():
		return Int64Unknown(), nil
	case in.IsNull():
		return Int64Null(), nil
	}
	var f *big.Float
	if err := in.As(&f); err != nil {
		return nil, err
	}
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return Int64From(i), nil
		}
	}
	return Int64Value{Int64Value: basetypes.NewInt64Unknown(), invalid: new(big.Float).Copy(f)}, nil
}

// Validate is the type's own check, done by Int64Value.ValidateAttribute.
//
//nolint:staticcheck // xattr.TypeWithValidate is deprecated but still part of Int64Typable.
func (t Int64Type) Validate(context.Context, tftypes.Value, path.Path) diag.Diagnostics { return nil }

// Int64Value is a value of Int64Type.
type Int64Value struct {
	basetypes.Int64Value
	invalid *big.Float // the number as written, when it is not a 64-bit integer
}

// Int64From is a known Int64Value.
func Int64From(v int64) Int64Value { return Int64Value{Int64Value: basetypes.NewInt64Value(v)} }

// Int64Null is a null Int64Value.
func Int64Null() Int64Value { return Int64Value{Int64Value: basetypes.NewInt64Null()} }

// Int64Unknown is an unknown Int64Value.
func Int64Unknown() Int64Value { return Int64Value{Int64Value: basetypes.NewInt64Unknown()} }

// Int64PointerValue is Int64From(*v), or null for nil.
func Int64PointerValue(v *int64) Int64Value {
	return Int64Value{Int64Value: basetypes.NewInt64PointerValue(v)}
}

// Type is Int64Type.
func (v Int64Value) Type(context.Context) attr.Type { return Int64Type{} }

// Equal compares the values, invalid numbers included.
func (v Int64Value) Equal(o attr.Value) bool {
	other, ok := o.(Int64Value)
	if !ok {
		return false
	}
	if v.invalid != nil || other.invalid != nil {
		return v.invalid != nil && other.invalid != nil && v.invalid.Cmp(other.invalid) == 0
	}
	return v.Int64Value.Equal(other.Int64Value)
}

// ToTerraformValue gives back the number as written.
func (v Int64Value) ToTerraformValue(ctx context.Context) (tftypes.Value, error) {
	if v.invalid != nil {
		return tftypes.NewValue(tftypes.Number, v.invalid), nil
	}
	return v.Int64Value.ToTerraformValue(ctx)
}

// ToInt64Value is the framework's Int64; an invalid number is unknown (its
// error comes from ValidateAttribute, before anything else reads it).
func (v Int64Value) ToInt64Value(context.Context) (basetypes.Int64Value, diag.Diagnostics) {
	return v.Int64Value, nil
}

// IsInvalid reports a number that is not a 64-bit integer (reported by
// ValidateAttribute; its Int64 reads as unknown).
func (v Int64Value) IsInvalid() bool { return v.invalid != nil }

func (v Int64Value) String() string {
	if v.invalid != nil && v.invalid.IsInt() {
		return v.invalid.Text('f', 0) // every digit: 'g' would round 2^63 to 9223372036854776000
	}
	if v.invalid != nil {
		return v.invalid.Text('g', -1)
	}
	return v.Int64Value.String()
}

// ValidateAttribute reports a number that is not a 64-bit integer, with the
// attribute and the number, in words.
func (v Int64Value) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.invalid == nil {
		return
	}
	what := "is not a whole number"
	switch {
	case !v.invalid.IsInt():
	case v.invalid.Sign() > 0:
		what = fmt.Sprintf("is too large: the largest whole number allowed here is %d", int64(math.MaxInt64))
	default:
		what = fmt.Sprintf("is too small: the smallest whole number allowed here is %d", int64(math.MinInt64))
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Number",
		fmt.Sprintf("%s = %s %s.", req.Path, v.String(), what))
}

// StringSetType is a set-of-strings attribute's CustomType whose validation
// is linear in the number of elements.
type StringSetType struct{ basetypes.SetType }

var (
	_ basetypes.SetTypable  = StringSetType{}
	_ basetypes.SetValuable = StringSetValue{}
)

// NewStringSetType is the StringSetType of strings.
func NewStringSetType() StringSetType {
	return StringSetType{SetType: basetypes.SetType{ElemType: types.StringType}}
}

// Equal reports whether o is a StringSetType.
func (t StringSetType) Equal(o attr.Type) bool {
	_, ok := o.(StringSetType)
	return ok
}

func (t StringSetType) String() string { return "tfvalue.StringSetType" }

// ValueType is StringSetValue.
func (t StringSetType) ValueType(context.Context) attr.Value {
	return StringSetValue{SetValue: basetypes.NewSetNull(types.StringType)}
}

// ValueFromSet wraps a framework Set.
func (t StringSetType) ValueFromSet(_ context.Context, v basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return StringSetValue{SetValue: v}, nil
}

// ValueFromTerraform reads a set of strings.
func (t StringSetType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := basetypes.SetType{ElemType: types.StringType}.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	set, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("expected a set, got %T", v)
	}
	return StringSetValue{SetValue: set}, nil
}

// Validate finds duplicate elements in one pass (the framework's compares
// every pair).
//
//nolint:staticcheck // xattr.TypeWithValidate is deprecated but still used by the framework.
func (t StringSetType) Validate(_ context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if !in.IsKnown() || in.IsNull() {
		return diags
	}
	var elems []tftypes.Value
	if err := in.As(&elems); err != nil {
		diags.AddAttributeError(p, "Invalid Set", fmt.Sprintf("%s is not a set of strings: %s", p, err))
		return diags
	}
	seen := make(map[string]bool, len(elems))
	for _, e := range elems {
		if !e.IsKnown() || e.IsNull() {
			continue
		}
		var s string
		if err := e.As(&s); err != nil {
			diags.AddAttributeError(p, "Invalid Set", fmt.Sprintf("%s is not a set of strings: %s", p, err))
			return diags
		}
		if seen[s] {
			diags.AddAttributeError(p, "Duplicate Set Element", fmt.Sprintf("%s contains %q twice.", p, s))
		}
		seen[s] = true
	}
	return diags
}

// StringSetValue is a value of StringSetType.
type StringSetValue struct{ basetypes.SetValue }

// StringSetFrom is a known StringSetValue of the given strings.
func StringSetFrom(values []string) StringSetValue {
	return StringSetValue{SetValue: StringSet(values)}
}

// Type is StringSetType.
func (v StringSetValue) Type(context.Context) attr.Type { return NewStringSetType() }

// Equal compares two StringSetValues.
func (v StringSetValue) Equal(o attr.Value) bool {
	other, ok := o.(StringSetValue)
	return ok && v.SetValue.Equal(other.SetValue)
}

// ToSetValue is the framework's Set.
func (v StringSetValue) ToSetValue(context.Context) (basetypes.SetValue, diag.Diagnostics) {
	return v.SetValue, nil
}
