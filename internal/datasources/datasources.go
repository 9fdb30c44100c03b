// Package datasources holds the provider's data sources, one file each:
// registration_policy.go (gitlabrunner_registration_policy), runner.go
// (gitlabrunner_runner), runners.go (gitlabrunner_runners),
// runner_controller.go, runner_controllers.go and
// runner_controller_scopes.go (the runner controller ones). Each embeds
// providerdata.DataSource for its Configure and starts Read with ReadConfig.
package datasources

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// computedString is a computed string attribute described by md.
func computedString(md string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: md}
}

// computedBool is a computed bool attribute described by md.
func computedBool(md string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: md}
}

// createdByAttrTypes is a runner's creator as the runner data sources show
// it: the id and username of GitLab's UserBasic.
var createdByAttrTypes = map[string]attr.Type{
	"id":       types.Int64Type,
	"username": types.StringType,
}

// createdByAttribute describes a runner's created_by.
func createdByAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "The user who created the runner (`id`, `username`); null when GitLab does not show it: " +
			"GitLab before about 18.0, or a runner registered with a registration token.",
		Attributes: map[string]schema.Attribute{
			"id":       schema.Int64Attribute{Computed: true, MarkdownDescription: "The user's id."},
			"username": computedString("The user's username."),
		},
	}
}

// createdByValue is GitLab's created_by as the attribute's value.
func createdByValue(u *gitlabapi.UserBasic) types.Object {
	if u == nil {
		return types.ObjectNull(createdByAttrTypes)
	}
	return types.ObjectValueMust(createdByAttrTypes, map[string]attr.Value{
		"id":       types.Int64Value(u.ID),
		"username": types.StringValue(u.Username),
	})
}
