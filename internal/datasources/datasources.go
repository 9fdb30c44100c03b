// Package datasources holds the provider's data sources, one file each:
// registration_policy.go (gitlabrunner_registration_policy), runner.go
// (gitlabrunner_runner), runners.go (gitlabrunner_runners),
// runner_controller.go, runner_controllers.go and
// runner_controller_scopes.go (the runner controller ones). Each embeds
// providerdata.DataSource for its Configure and starts Read with ReadConfig.
package datasources

import "github.com/hashicorp/terraform-plugin-framework/datasource/schema"

// computedString is a computed string attribute described by md.
func computedString(md string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: md}
}

// computedBool is a computed bool attribute described by md.
func computedBool(md string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: md}
}
