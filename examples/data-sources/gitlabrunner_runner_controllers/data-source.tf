terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Every runner controller, and those that decide on jobs.
data "gitlabrunner_runner_controllers" "all" {}

data "gitlabrunner_runner_controllers" "enabled" {
  state = "enabled"
}

output "enabled_runner_controllers" {
  value = data.gitlabrunner_runner_controllers.enabled.ids
}
