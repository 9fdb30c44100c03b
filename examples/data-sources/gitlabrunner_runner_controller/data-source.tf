terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

data "gitlabrunner_runner_controller" "policy" {
  id = 3
}

# Whether the controller is talking to GitLab's job router.
output "policy_connected" {
  value = data.gitlabrunner_runner_controller.policy.connected
}
