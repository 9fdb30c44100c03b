package settingsattrs

import (
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// Instance is every instance setting gitlabrunner_instance_runner_settings
// manages (GET and PUT /application/settings, administrators only).
var Instance = Table[gitlabapi.ApplicationSettings]{
	{
		Name: "allow_runner_registration_token",
		Description: "Whether runner **registration tokens** (`gitlab-runner register --registration-token`) may be used on " +
			"the instance. `false` turns them off for every group and project (legacy registration then answers `410 Gone`); " +
			"`true` lets each top-level group decide. GitLab's default is `true` before 17.0, `false` from the 17.0 upgrade.",
		Since: "≈15.8 (honoured from ≈16.0)",
		field: boolField(func(s *gitlabapi.ApplicationSettings) **bool { return &s.AllowRunnerRegistrationToken }),
	},
	{
		Name: "valid_runner_registrars",
		Description: "Who besides administrators may create and register runners: `group` (group Owners, group runners) " +
			"and/or `project` (project Maintainers, project runners; also needed to assign runners to projects). An empty " +
			"set leaves it to administrators. GitLab's default is both.",
		Since: "≈14.x",
		Policy: "Instance setting `valid_runner_registrars`: who besides administrators may register or create runners " +
			"(`group`, `project`). Null when the settings are not readable (administrator only).",
		field: stringSetField(func(s *gitlabapi.ApplicationSettings) **[]string { return &s.ValidRunnerRegistrars }, "group", "project"),
	},
	interval("runner_token_expiration_interval", "instance",
		func(s *gitlabapi.ApplicationSettings) **int64 { return &s.RunnerTokenExpirationInterval }),
	interval("group_runner_token_expiration_interval", "group",
		func(s *gitlabapi.ApplicationSettings) **int64 { return &s.GroupRunnerTokenExpirationInterval }),
	interval("project_runner_token_expiration_interval", "project",
		func(s *gitlabapi.ApplicationSettings) **int64 { return &s.ProjectRunnerTokenExpirationInterval }),
}

// interval is the row of the token expiration interval of kind runners.
func interval(name, kind string, p func(*gitlabapi.ApplicationSettings) **int64) Setting[gitlabapi.ApplicationSettings] {
	return Setting[gitlabapi.ApplicationSettings]{
		Name: name,
		Description: "Seconds after their creation or rotation at which the authentication tokens of " + kind + " runners " +
			"expire, from the next creation or rotation on. `0`: they do not expire (GitLab's `null`). Otherwise 1 to " +
			"2147483647; below 7200 (GitLab's documented minimum, which its API does not enforce) warns.",
		Since: "≈14.8",
		Policy: "Instance setting `" + name + "`: seconds after creation or rotation at which the authentication tokens of " +
			kind + " runners expire (GitLab documents a 2-hour minimum; its API does not enforce one); null when they do not " +
			"expire, or when the settings are not readable (administrator only; a warning says so).",
		field: intervalField(p),
	}
}
