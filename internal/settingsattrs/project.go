package settingsattrs

import (
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// Project is every project setting gitlabrunner_project_runner_settings
// manages (PUT /projects/:id, the project's Maintainer role).
var Project = Table[gitlabapi.ProjectRunnerSettings]{
	{
		Name: "shared_runners_enabled",
		Description: "Whether the project accepts **instance runners**. `true` is refused while the project's group has " +
			"`shared_runners_setting = \"disabled_and_unoverridable\"` (checked at plan time). A group that turns instance " +
			"runners off turns this off too; the next plan shows it. A new project's default is the instance's setting.",
		field: boolField(func(s *gitlabapi.ProjectRunnerSettings) **bool { return &s.SharedRunnersEnabled }),
	},
	{
		Name: "group_runners_enabled",
		Description: "Whether the project accepts the **group runners** of its group and of the group's ancestors. GitLab " +
			"shows it only to the project's Maintainers (and administrators). GitLab's default is `true`.",
		field: boolField(func(s *gitlabapi.ProjectRunnerSettings) **bool { return &s.GroupRunnersEnabled }),
	},
}
