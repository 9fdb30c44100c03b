package settingsattrs

// The kinds of setting a row can hold: each constructor ties a row to its
// field of the scope's API type and gives the resource attribute its type,
// validators and plan modifier.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

// field ties a row to its field of the API type A.
type field[A any] struct {
	attribute func(description string) rschema.Attribute
	null      attr.Value
	// sample is a valid value that is not the zero value, for the tests.
	sample attr.Value
	// read is GitLab's value (the setting is in its answer).
	read func(a *A) attr.Value
	// write sets the field from a known, non-null value; a value GitLab
	// takes as an explicit null is added to nulls instead.
	write func(ctx context.Context, name string, v attr.Value, a *A, nulls *[]string) diag.Diagnostics
}

// boolField is a boolean; GitLab not saying reads as null.
func boolField[A any](p func(*A) **bool) field[A] {
	return field[A]{
		attribute: func(md string) rschema.Attribute {
			return rschema.BoolAttribute{Optional: true, Computed: true, MarkdownDescription: md,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}}
		},
		null:   types.BoolNull(),
		sample: types.BoolValue(true),
		read:   func(a *A) attr.Value { return types.BoolPointerValue(*p(a)) },
		write: func(_ context.Context, name string, v attr.Value, a *A, _ *[]string) diag.Diagnostics {
			b, ok := v.(types.Bool)
			if !ok {
				return wrongType(name, v, b)
			}
			*p(a) = b.ValueBoolPointer()
			return nil
		},
	}
}

// enumField is one of values (case-sensitive, checked at plan time).
func enumField[A any](p func(*A) **string, values ...string) field[A] {
	return field[A]{
		attribute: func(md string) rschema.Attribute {
			return rschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: md,
				Validators:    []validator.String{stringvalidator.OneOf(values...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
		},
		null:   types.StringNull(),
		sample: types.StringValue(values[len(values)-1]),
		read:   func(a *A) attr.Value { return types.StringPointerValue(*p(a)) },
		write: func(_ context.Context, name string, v attr.Value, a *A, _ *[]string) diag.Diagnostics {
			s, ok := v.(types.String)
			if !ok {
				return wrongType(name, v, s)
			}
			*p(a) = s.ValueStringPointer()
			return nil
		},
	}
}

// stringSetField is a set of values (each one of values): sent sorted and
// never as null (an empty set is sent as []).
func stringSetField[A any](p func(*A) **[]string, values ...string) field[A] {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	allowed := "each element is " + strings.Join(quoted, " or ")
	return field[A]{
		attribute: func(md string) rschema.Attribute {
			return rschema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, MarkdownDescription: md,
				Validators: []validator.Set{validators.NoNullElements(allowed),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(values...))},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()}}
		},
		null:   types.SetNull(types.StringType),
		sample: types.SetValueMust(types.StringType, []attr.Value{types.StringValue(values[0])}),
		read: func(a *A) attr.Value {
			var elems []attr.Value
			if l := *p(a); l != nil {
				for _, s := range *l {
					elems = append(elems, types.StringValue(s))
				}
			}
			return types.SetValueMust(types.StringType, elems)
		},
		write: func(ctx context.Context, name string, v attr.Value, a *A, _ *[]string) diag.Diagnostics {
			set, ok := v.(types.Set)
			if !ok {
				return wrongType(name, v, set)
			}
			l := []string{}
			diags := set.ElementsAs(ctx, &l, false)
			slices.Sort(l) // a stable order: the set has none
			*p(a) = &l
			return diags
		},
	}
}

// intervalField is a token expiration interval in seconds: GitLab's null
// (no expiry) is 0 in Terraform, and 0 is sent as an explicit null.
func intervalField[A any](p func(*A) **int64) field[A] {
	return field[A]{
		attribute: func(md string) rschema.Attribute {
			return rschema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: md,
				Validators:    []validator.Int64{validators.TokenExpirationInterval()},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
		},
		null:   types.Int64Null(),
		sample: types.Int64Value(86400),
		read: func(a *A) attr.Value {
			if v := *p(a); v != nil {
				return types.Int64Value(*v)
			}
			return types.Int64Value(0)
		},
		write: func(_ context.Context, name string, v attr.Value, a *A, nulls *[]string) diag.Diagnostics {
			n, ok := v.(types.Int64)
			if !ok {
				return wrongType(name, v, n)
			}
			if n.ValueInt64() == 0 {
				*p(a) = nil
				*nulls = append(*nulls, name)
				return nil
			}
			*p(a) = n.ValueInt64Pointer()
			return nil
		},
	}
}

func wrongType(name string, got, want attr.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Unexpected Attribute Type",
		fmt.Sprintf("The setting %s is a %T, expected %T. This is a bug in the provider; please report it.", name, got, want))
	return diags
}
