terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# A project runner created in the app project (id 42) and shared with the
# web project (id 43). The token's user needs the Maintainer role in both
# projects (a Maintainer of their group has it), or an administrator.
resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = 42
  description = "app and web builds"
  tag_list    = ["docker"]
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = 43
  runner_id  = gitlabrunner_user_runner.app.id
}
