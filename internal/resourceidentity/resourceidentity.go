// Package resourceidentity is what every resource's identity (Terraform
// 1.12+, OpenTofu 1.12+) does the same way: its schema with the type built
// once, writing the identity without reflection, and reading the identity an
// import names instead of an import id. Which attributes name a resource, and
// what an import may give, stay with each resource (its identity.go).
package resourceidentity

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// Identity is a resource's identity schema and its type, built once.
type Identity struct {
	schema identityschema.Schema
	typ    attr.Type
	names  []string // the attributes, sorted
}

// New is the identity of the given attributes.
func New(attributes map[string]identityschema.Attribute) *Identity {
	schema := identityschema.Schema{Attributes: attributes}
	return &Identity{schema: schema, typ: schema.Type(), names: slices.Sorted(maps.Keys(attributes))}
}

// Schema is what the resource's IdentitySchema answers.
func (i *Identity) Schema() identityschema.Schema {
	return i.schema
}

// Set records values (by attribute name) as the identity, with the type
// built once: the framework's Set reads a model's struct tags by reflection
// on every call (every Read of every resource). identity is nil when
// Terraform does not know identities (before 1.12); then there is nothing to
// record.
func (i *Identity) Set(ctx context.Context, identity *tfsdk.ResourceIdentity, values map[string]attr.Value) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	raw, diags := tfvalue.WriteObject(ctx, i.typ, values)
	if !diags.HasError() {
		identity.Raw = raw
	}
	return diags
}

// ReadImported reads the identity an import names
// (`import { identity = { … } }`) into target, a model of the identity
// (tfsdk tags): false for an import by id (or by a Terraform without
// identities), and after an error, which goes into diags.
func ReadImported(ctx context.Context, req resource.ImportStateRequest, target any, diags *diag.Diagnostics) bool {
	if req.ID != "" || req.Identity == nil {
		return false
	}
	got := req.Identity.Get(ctx, target)
	diags.Append(got...)
	return !got.HasError()
}

// SetFromState records the identity's attributes as state (a plan or a
// state written by Create, Update or Read) holds them, for a resource whose
// state has them under the same names; nothing when either is missing
// (Terraform before 1.12, or a failed create) or one is null or unknown.
func (i *Identity) SetFromState(ctx context.Context, identity *tfsdk.ResourceIdentity, state tfsdk.State) diag.Diagnostics {
	if identity == nil || state.Raw.IsNull() {
		return nil
	}
	values, diags := tfvalue.ReadAttributes(ctx, state.Schema.Type(), state.Raw, i.names...)
	if diags.HasError() {
		return diags
	}
	for _, v := range values {
		if v.IsNull() || v.IsUnknown() {
			return diags
		}
	}
	return append(diags, i.Set(ctx, identity, values)...)
}

// ImportedID is the positive numeric id an import names, for an identity of
// one Int64 attribute: the import id, or the identity's. invalid is the
// error's text for what was given when it is no such id; ok is false after
// an error.
func (i *Identity) ImportedID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics,
	invalid func(given string) string) (id int64, ok bool) {
	given := req.ID
	if req.ID == "" && req.Identity != nil {
		var v types.Int64
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(i.names[0]), &v)...)
		if diags.HasError() {
			return 0, false
		}
		given = strconv.FormatInt(v.ValueInt64(), 10)
	}
	id, err := strconv.ParseInt(given, 10, 64)
	if err != nil || id < 1 {
		diags.AddError("Invalid Import ID", invalid(given))
		return 0, false
	}
	return id, true
}
