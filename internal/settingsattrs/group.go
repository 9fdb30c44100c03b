package settingsattrs

import (
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// Values of a group's shared_runners_setting (Namespace::SHARED_RUNNERS_SETTINGS).
const (
	SharedRunnersEnabled                  = "enabled"
	SharedRunnersDisabledAndOverridable   = "disabled_and_overridable"
	SharedRunnersDisabledAndUnoverridable = "disabled_and_unoverridable"
)

// Group is every group setting gitlabrunner_group_runner_settings manages
// (the group's Owner role): REST (PUT /groups/:id) or GraphQL, as
// gitlabapi.GroupRunnerSettings' tags say.
var Group = Table[gitlabapi.GroupRunnerSettings]{
	{
		Name: "shared_runners_setting",
		Description: "Whether the group's projects may use **instance runners**: `enabled`, `disabled_and_overridable` " +
			"(off for the group, its subgroups and projects, which may turn them back on) or `disabled_and_unoverridable` " +
			"(off, and subgroups and projects may not turn them on). A subgroup cannot enable what its parent has made " +
			"unoverridable (GitLab answers 400).",
		field: enumField(func(s *gitlabapi.GroupRunnerSettings) **string { return &s.SharedRunnersSetting },
			SharedRunnersEnabled, SharedRunnersDisabledAndOverridable, SharedRunnersDisabledAndUnoverridable),
	},
	{
		Name: "allow_stale_runner_pruning",
		Description: "Whether GitLab regularly deletes the group's own runners that have not contacted it for 3 months (not " +
			"those of its subgroups and projects). GitLab keeps the setting on any Enterprise Edition but prunes only " +
			"with Ultimate. Set through GraphQL (`namespaceCiCdSettingsUpdate`). GitLab's default is `false`.",
		Since: "Enterprise Edition 15.1",
		field: boolField(func(s *gitlabapi.GroupRunnerSettings) **bool { return &s.AllowStaleRunnerPruning }),
	},
}
