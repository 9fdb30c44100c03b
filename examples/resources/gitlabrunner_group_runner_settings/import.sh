# Import by the group's numeric id.
terraform import gitlabrunner_group_runner_settings.demo 7
