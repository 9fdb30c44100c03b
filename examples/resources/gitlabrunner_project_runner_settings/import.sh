# Import by the project's numeric id.
terraform import gitlabrunner_project_runner_settings.app 42
