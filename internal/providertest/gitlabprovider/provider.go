// Package gitlabprovider is a test-only stand-in for GitLab's own Terraform
// provider (gitlabhq/gitlab), with its one resource this provider cares
// about: gitlab_user_runner, declared as GitLab's provider 18.x declares it
// (schema version 0, `untagged` for run_untagged, group_id and project_id
// never read back, the token only from the create). It exists so that the
// acceptance tests can write a real gitlab_user_runner state against the
// mock coordinator and then move it into gitlabrunner_user_runner with a
// `moved` block. It is not GitLab's provider and is never shipped.
package gitlabprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TypeName is the provider's type: resources are gitlab_<name>.
const TypeName = "gitlab"

// Factory serves the stand-in to Terraform (ProtoV6ProviderFactories, under
// the name TypeName).
func Factory() func() (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(&gitlabProvider{})
}

type gitlabProvider struct{}

type providerModel struct {
	BaseURL types.String `tfsdk:"base_url"`
	Token   types.String `tfsdk:"token"`
}

func (p *gitlabProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
}

func (p *gitlabProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Test-only stand-in for GitLab's provider.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{Required: true},
			"token":    schema.StringAttribute{Required: true, Sensitive: true},
		},
	}
}

func (p *gitlabProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: cfg.BaseURL.ValueString(), Token: cfg.Token.ValueString(), Retries: 2})
	if err != nil {
		resp.Diagnostics.AddError("Invalid GitLab Configuration", err.Error())
		return
	}
	resp.ResourceData = client
}

func (p *gitlabProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &userRunnerResource{} }}
}

func (p *gitlabProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
