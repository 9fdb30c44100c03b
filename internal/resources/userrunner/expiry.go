package userrunner

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

// intervalChangedMeanwhile records the runner a create saved in this
// provider process's ExpiryChanges and warns when a token expiration
// interval that applies to it changed while it was being created (in the
// same apply, without a depends_on between them): its token may carry the
// previous interval. A change that finishes after the create names the
// runner itself (gitlabrunner_instance_runner_settings).
func intervalChangedMeanwhile(ctx context.Context, expiry *providerdata.ExpiryChanges, started int64, resp *resource.CreateResponse) diag.Diagnostics {
	var diags diag.Diagnostics
	if resp.Diagnostics.HasError() {
		return diags
	}
	var id, runnerType types.String
	if resp.State.GetAttribute(ctx, path.Root("id"), &id).HasError() ||
		resp.State.GetAttribute(ctx, path.Root("runner_type"), &runnerType).HasError() {
		return diags
	}
	n, err := strconv.ParseInt(id.ValueString(), 10, 64)
	if err != nil || !expiry.RunnerCreated(n, runnerType.ValueString(), started) {
		return diags
	}
	diags.AddWarning("Token Expiration Interval Changed During the Create", fmt.Sprintf(
		"This apply changed the token expiration interval of %s runners (gitlabrunner_instance_runner_settings) while "+
			"it created runner %d, so GitLab may have given its token the previous interval (without one, the token never "+
			"expires). Terraform orders resources only by references: add depends_on = "+
			"[gitlabrunner_instance_runner_settings.<name>] to the runners, and change this runner's rotation_triggers "+
			"once to give its token the new interval.", runnerTypeWord(runnerType.ValueString()), n))
	return diags
}

// runnerTypeWord is how messages name a runner type: "group" for group_type.
func runnerTypeWord(runnerType string) string {
	switch runnerType {
	case "instance_type":
		return "instance"
	case "group_type":
		return "group"
	case "project_type":
		return "project"
	}
	return runnerType
}
