package userrunner

// Creation settings (runnerattrs, creationTable) reach GitLab only in the
// create request, and a server that does not know one drops it without a
// word (Grape keeps declared parameters only): the runner would silently
// lack it. So a plan that creates a runner with such a setting asks the
// server's version first — one GET /version, and only then.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// checkCreationSettings refuses, at plan time, creation settings the server
// would ignore. Before the provider is configured (its settings depend on
// other resources) it checks nothing: Terraform plans the create again with
// a configured provider during the apply, and the check runs then.
func (r *userRunnerResource) checkCreationSettings(ctx context.Context, plan tfsdk.Plan, diags *diag.Diagnostics) {
	planned, d := tfvalue.ReadObject(ctx, objectType(), plan.Raw)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	needs := runnerattrs.From(planned).CreationRequirements()
	if len(needs) == 0 || r.Data == nil || r.Data.Client == nil {
		return
	}
	v, err := r.Data.Client.GetVersion(ctx)
	if err != nil {
		for _, n := range needs {
			diags.AddAttributeError(path.Root(n.Name), "Unable to Check the GitLab Version", diagnostics.APIError(
				fmt.Sprintf("Reading GitLab's version (GET /version) to check that the server honours %s", n.Name), err,
				fmt.Sprintf("%s needs %s. Other servers ignore it without a word, so the provider sends it only to a "+
					"server it knows. GET /version needs a token with the api, read_api or read_user scope; or remove %s.",
					n.Name, n.Requires, n.Name)))
		}
		return
	}
	for _, n := range needs {
		met, known := n.Requires.MetBy(v)
		if met {
			continue
		}
		server := fmt.Sprintf("GitLab %s (Community Edition)", v.Version)
		switch {
		case !known:
			server = fmt.Sprintf("a GitLab whose version %q the provider cannot read", v.Version)
		case v.Enterprise:
			server = fmt.Sprintf("GitLab %s (Enterprise Edition)", v.Version)
		}
		diags.AddAttributeError(path.Root(n.Name), "Setting Not Supported by This GitLab", fmt.Sprintf(
			"%s needs %s; the server is %s, which would ignore it without a word and create the runner without it. "+
				"Remove %s (or upgrade GitLab).", n.Name, n.Requires, server, n.Name))
	}
}
