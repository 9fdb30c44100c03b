terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

data "gitlabrunner_runner_controller_scopes" "policy" {
  runner_controller_id = 3
}

# true when the controller is asked about every job of the instance.
output "policy_covers_instance" {
  value = data.gitlabrunner_runner_controller_scopes.policy.instance
}
