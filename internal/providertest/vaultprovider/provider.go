// Package vaultprovider is a test-only stand-in for HashiCorp's Vault
// provider (hashicorp/vault) with the one resource the docs use,
// vault_kv_secret_v2 (mount, name, data_json), as its schema declares them.
// It talks to no Vault: a secret lives in the state only, and every write
// is counted in the file VAULT_STANDIN_LOG names (one line per version
// written), so that a test sees when a secret was written. It exists so that
// the docs' snippets that hand runner tokens to Vault run as written, and so
// that tests install a second provider beside this one. It is never shipped.
package vaultprovider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// New is the stand-in provider.
func New() provider.Provider { return &vaultProvider{} }

type vaultProvider struct{}

func (p *vaultProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vault"
}

func (p *vaultProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{Description: "Test-only stand-in for the Vault provider."}
}

func (p *vaultProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *vaultProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &kvSecret{} }}
}

func (p *vaultProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// kvSecret is vault_kv_secret_v2: a secret at mount/name holding data_json.
type kvSecret struct{}

type kvSecretModel struct {
	ID       types.String `tfsdk:"id"`
	Mount    types.String `tfsdk:"mount"`
	Name     types.String `tfsdk:"name"`
	DataJSON types.String `tfsdk:"data_json"`
}

func (r *kvSecret) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "vault_kv_secret_v2"
}

func (r *kvSecret) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = rschema.Schema{Attributes: map[string]rschema.Attribute{
		"id":        rschema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"mount":     rschema.StringAttribute{Required: true, PlanModifiers: replace},
		"name":      rschema.StringAttribute{Required: true, PlanModifiers: replace},
		"data_json": rschema.StringAttribute{Required: true, Sensitive: true},
	}}
}

func (r *kvSecret) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m kvSecretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(m.Mount.ValueString() + "/data/" + m.Name.ValueString())
	if err := logWrite(m); err != nil {
		resp.Diagnostics.AddError("Stand-in Log", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *kvSecret) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m kvSecretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *kvSecret) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior kvSecretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = prior.ID
	if err := logWrite(m); err != nil {
		resp.Diagnostics.AddError("Stand-in Log", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *kvSecret) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// logWrite appends "<id>" to the file VAULT_STANDIN_LOG names, if any: one
// line per version of a secret written (never its data).
func logWrite(m kvSecretModel) error {
	path := os.Getenv("VAULT_STANDIN_LOG")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, m.ID.ValueString()); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
