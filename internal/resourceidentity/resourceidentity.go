// Package resourceidentity is what every resource's identity (Terraform
// 1.12+, OpenTofu 1.12+) does the same way: its schema with the type built
// once, writing the identity without reflection, and reading the identity an
// import names instead of an import id. Which attributes name a resource, and
// what an import may give, stay with each resource (its identity.go).
package resourceidentity

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// Identity is a resource's identity schema and its type, built once.
type Identity struct {
	schema identityschema.Schema
	typ    attr.Type
}

// New is the identity of the given attributes.
func New(attributes map[string]identityschema.Attribute) *Identity {
	schema := identityschema.Schema{Attributes: attributes}
	return &Identity{schema: schema, typ: schema.Type()}
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
