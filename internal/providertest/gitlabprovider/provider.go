// Package gitlabprovider is a test-only stand-in for GitLab's own Terraform
// provider (gitlabhq/gitlab), with its one resource this provider cares
// about: gitlab_user_runner, declared and written as each published line of
// GitLab's provider declares and writes it (Release). It exists so that the
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

// Release is a line of GitLab's provider releases whose gitlab_user_runner
// state has its own shape. Every one has schema version 0.
type Release int

// The shapes of gitlab_user_runner's state (GitLab provider CHANGELOG, and its
// resource source internal/provider/resource_gitlab_user_runner.go).
const (
	// Release16_3 is 16.3 to 17.5: no maintenance_note attribute.
	Release16_3 Release = iota
	// Release17_6 is 17.6 to 18.x: maintenance_note; group_id and project_id
	// are never read back (an imported runner has them null).
	Release17_6
	// Release19_0 is 19.0 and later: a group runner's group_id is read back
	// from the runner's first group ("save first group_id in API response").
	Release19_0
)

// Releases are all the shapes, oldest first.
var Releases = []Release{Release16_3, Release17_6, Release19_0}

func (r Release) String() string {
	return [...]string{"16.3-17.5", "17.6-18.x", "19.x"}[r]
}

// hasMaintenanceNote: the schema has maintenance_note (17.6+).
func (r Release) hasMaintenanceNote() bool { return r >= Release17_6 }

// readsGroupID: Read sets a group runner's group_id from GitLab (19.0+).
func (r Release) readsGroupID() bool { return r >= Release19_0 }

// Factory serves the stand-in of release to Terraform
// (ProtoV6ProviderFactories, under the name TypeName).
func Factory(release Release) func() (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(&gitlabProvider{release: release})
}

type gitlabProvider struct {
	release Release
}

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
	return []func() resource.Resource{func() resource.Resource { return &userRunnerResource{release: p.release} }}
}

func (p *gitlabProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
