terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# An admission controller for every job of the instance (GitLab Enterprise
# Edition 18.9+, Ultimate; the provider needs an administrator's token).
# Start in dry_run, switch to enabled once its decisions look right.
resource "gitlabrunner_runner_controller" "policy" {
  description = "job admission policy"
  state       = "dry_run"
}

resource "gitlabrunner_runner_controller_scope" "instance" {
  runner_controller_id = gitlabrunner_runner_controller.policy.id
}

resource "gitlabrunner_runner_controller_token" "policy" {
  runner_controller_id = gitlabrunner_runner_controller.policy.id
  description          = "policy service"
}

output "runner_controller_token" {
  value     = gitlabrunner_runner_controller_token.policy.token
  sensitive = true
}
