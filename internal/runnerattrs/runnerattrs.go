// Package runnerattrs is the provider's one table of runner attributes: the
// settings of a runner that its owner chooses (description, tags, ...).
//
// Each row of the table (attributes.go) names an attribute and gives its
// schema in the gitlabrunner_user_runner resource, its description in the
// gitlabrunner_runner data source and its field in gitlabapi.RunnerAttributes.
// Everything else is derived from the rows: both schemas, the one
// API-to-Terraform mapping the resource and the data source share, the create
// and update requests, and the resource's "does this need a PUT" comparison.
// Adding a runner attribute is one row there (CONTRIBUTING.md has the recipe).
package runnerattrs

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// Attribute is one runner attribute: a row of the table.
type Attribute struct {
	// Name is the attribute's name in Terraform and in GitLab's API.
	Name string
	// Resource is the attribute in the user-runner resource's schema.
	Resource rschema.Attribute
	// DataSource describes the computed attribute of the runner data source.
	DataSource string
	// field moves the value between gitlabapi.RunnerAttributes and Terraform.
	field field
}

// Values are the runner attributes of a plan, a state or a data source's
// answer, by name.
type Values map[string]attr.Value

// ResourceSchema is the runner attributes' part of the resource's schema,
// creation settings included.
func ResourceSchema() map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(table)+len(creationTable))
	for _, a := range table {
		out[a.Name] = a.Resource
	}
	for _, c := range creationTable {
		out[c.Name] = c.Resource
	}
	return out
}

// DataSourceSchema is the runner attributes' part of a data source's schema:
// computed attributes of the same types (tags as a list, in GitLab's order).
func DataSourceSchema() map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(table))
	for _, a := range table {
		out[a.Name] = a.field.dataSourceAttribute(a.DataSource)
	}
	return out
}

// FromAPI is what GitLab says about a runner's attributes, as the resource
// holds them. GitLab not saying (nil) reads as the zero value — the
// documented default of description and maintenance_note is "", the state
// never holds null for them — except for maximum_timeout, where it means no
// limit (null). Creation settings, which GitLab never shows, are null (see
// Refreshed).
func FromAPI(a *gitlabapi.RunnerAttributes) Values {
	out := make(Values, len(table)+len(creationTable))
	for _, row := range table {
		out[row.Name] = row.field.resourceValue(a)
	}
	for _, c := range creationTable {
		out[c.Name] = c.field.null
	}
	return out
}

// DataSourceValues is what GitLab says about a runner's attributes, as a
// data source reports it: GitLab's null stays null (a note GitLab hides from
// a caller who may not update the runner is null, not ""), and the tags are
// a list in GitLab's order.
func DataSourceValues(a *gitlabapi.RunnerAttributes) Values {
	out := make(Values, len(table))
	for _, row := range table {
		out[row.Name] = row.field.dataSourceValue(a)
	}
	return out
}

// From picks the runner attributes and creation settings out of all the
// attributes of an object (a plan or a state read as types.Object).
func From(attributes map[string]attr.Value) Values {
	out := make(Values, len(table)+len(creationTable))
	for _, row := range table {
		out[row.Name] = attributes[row.Name]
	}
	for _, c := range creationTable {
		out[c.Name] = attributes[c.Name]
	}
	return out
}

// API is the desired attributes for GitLab: every attribute, a null one as
// nil, the tags sorted and never nil (an empty list clears them).
func (v Values) API(ctx context.Context) (gitlabapi.RunnerAttributes, diag.Diagnostics) {
	var out gitlabapi.RunnerAttributes
	var diags diag.Diagnostics
	for _, row := range table {
		diags.Append(row.field.toAPI(ctx, row.Name, v[row.Name], &out)...)
	}
	return out, diags
}

// Equal reports whether v and o hold the same runner attributes, i.e.
// whether an update needs no PUT (creation settings do not count).
func (v Values) Equal(o Values) bool {
	for _, row := range table {
		a, b := v[row.Name], o[row.Name]
		if a == nil || b == nil {
			if a != b {
				return false
			}
			continue
		}
		if !a.Equal(b) {
			return false
		}
	}
	return true
}

// Text is the string attribute name of v ("" when null, unknown or absent).
func (v Values) Text(name string) string {
	s, _ := v[name].(types.String)
	return s.ValueString()
}

// field ties a row to its field of gitlabapi.RunnerAttributes; stringField,
// boolField, optionalInt64Field and tagsField make one.
type field struct {
	resourceType        attr.Type
	resourceValue       func(a *gitlabapi.RunnerAttributes) attr.Value
	dataSourceValue     func(a *gitlabapi.RunnerAttributes) attr.Value
	dataSourceAttribute func(description string) dschema.Attribute
	toAPI               func(ctx context.Context, name string, v attr.Value, a *gitlabapi.RunnerAttributes) diag.Diagnostics
}

// stringField is a string; in the resource GitLab not saying reads as "",
// in a data source as null.
func stringField(p func(*gitlabapi.RunnerAttributes) **string) field {
	return scalarField(p, types.StringType, func(v *string) types.String { return types.StringValue(deref(v)) },
		types.StringPointerValue, types.String.ValueStringPointer, func(md string) dschema.Attribute {
			return dschema.StringAttribute{Computed: true, MarkdownDescription: md}
		})
}

// boolField is a bool; in the resource GitLab not saying reads as false, in
// a data source as null.
func boolField(p func(*gitlabapi.RunnerAttributes) **bool) field {
	return scalarField(p, types.BoolType, func(v *bool) types.Bool { return types.BoolValue(deref(v)) },
		types.BoolPointerValue, types.Bool.ValueBoolPointer, func(md string) dschema.Attribute {
			return dschema.BoolAttribute{Computed: true, MarkdownDescription: md}
		})
}

// optionalInt64Field is a number that may be unset: null both ways. The
// resource's attribute is a tfvalue.Int64Type (a number the user writes
// that is not a 64-bit integer gets a plain error), the data source's a
// plain Int64.
func optionalInt64Field(p func(*gitlabapi.RunnerAttributes) **int64) field {
	f := scalarField(p, tfvalue.Int64Type{}, tfvalue.Int64PointerValue, tfvalue.Int64PointerValue,
		func(v tfvalue.Int64Value) *int64 { return v.ValueInt64Pointer() }, func(md string) dschema.Attribute {
			return dschema.Int64Attribute{Computed: true, MarkdownDescription: md}
		})
	f.dataSourceValue = func(a *gitlabapi.RunnerAttributes) attr.Value { return types.Int64PointerValue(*p(a)) }
	return f
}

// scalarField is a field of type *T held in Terraform as V (of type typ):
// read turns GitLab's value into the resource's V, readDataSource into a data
// source's (GitLab's null stays null there), get turns V back (null into nil).
func scalarField[T any, V attr.Value](p func(*gitlabapi.RunnerAttributes) **T, typ attr.Type, read, readDataSource func(*T) V,
	get func(V) *T, dataSourceAttribute func(description string) dschema.Attribute) field {
	return field{
		resourceType:        typ,
		resourceValue:       func(a *gitlabapi.RunnerAttributes) attr.Value { return read(*p(a)) },
		dataSourceValue:     func(a *gitlabapi.RunnerAttributes) attr.Value { return readDataSource(*p(a)) },
		dataSourceAttribute: dataSourceAttribute,
		toAPI: func(_ context.Context, name string, v attr.Value, a *gitlabapi.RunnerAttributes) diag.Diagnostics {
			tv, ok := v.(V)
			if !ok {
				return wrongType(name, v, tv)
			}
			*p(a) = get(tv)
			return nil
		},
	}
}

// tagsField is a list of tags: a set in the resource (order does not
// matter), a list in GitLab's order in a data source; no tags read as empty.
func tagsField(p func(*gitlabapi.RunnerAttributes) **[]string) field {
	return field{
		resourceType:    tfvalue.NewStringSetType(),
		resourceValue:   func(a *gitlabapi.RunnerAttributes) attr.Value { return tfvalue.StringSetFrom(deref(*p(a))) },
		dataSourceValue: func(a *gitlabapi.RunnerAttributes) attr.Value { return tfvalue.StringList(deref(*p(a))) },
		dataSourceAttribute: func(md string) dschema.Attribute {
			return dschema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: md}
		},
		toAPI: func(ctx context.Context, name string, v attr.Value, a *gitlabapi.RunnerAttributes) diag.Diagnostics {
			valuable, ok := v.(basetypes.SetValuable)
			if !ok {
				return wrongType(name, v, tfvalue.StringSetValue{})
			}
			set, diags := valuable.ToSetValue(ctx)
			tags := []string{}
			if !set.IsNull() && !set.IsUnknown() {
				diags.Append(set.ElementsAs(ctx, &tags, false)...)
			}
			sort.Strings(tags)
			*p(a) = &tags
			return diags
		},
	}
}

func wrongType(name string, got, want attr.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Unexpected Attribute Type",
		fmt.Sprintf("The runner attribute %s is a %T, expected %T. This is a bug in the provider; please report it.", name, got, want))
	return diags
}

// deref is *p, or the zero value when GitLab did not say.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
