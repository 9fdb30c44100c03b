terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

resource "gitlabrunner_runner_controller" "policy" {
  state = "enabled"
}

# The token the controller authenticates with at GitLab's job router. It
# does not expire; change rotated to rotate it in place (the old token stops
# working at once, so hand the new one to the controller in the same apply).
resource "gitlabrunner_runner_controller_token" "policy" {
  runner_controller_id = gitlabrunner_runner_controller.policy.id
  description          = "policy service"
  rotation_triggers    = { rotated = "2026-01" }
}

output "runner_controller_token" {
  value     = gitlabrunner_runner_controller_token.policy.token
  sensitive = true
}
