terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Needs the Maintainer role in the project (id 42).
resource "gitlabrunner_project_runner_settings" "app" {
  project_id = 42

  # Only the project's own runners serve it: no instance runners, no
  # runners of its groups. Refused at plan time if the project's group has
  # made instance runners unoverridable and they are to be turned on.
  shared_runners_enabled = false
  group_runners_enabled  = false
}

# The project runner that does serve it.
resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = gitlabrunner_project_runner_settings.app.project_id
  description = "app builds"
}
