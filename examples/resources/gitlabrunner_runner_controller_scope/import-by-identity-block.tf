# Terraform 1.12+ / OpenTofu 1.12+: import by identity, the controller and
# the runner (leave runner_id out for the instance scope).
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_runner_controller_scope.gpu
  identity = { runner_controller_id = 3, runner_id = 42 }
}

resource "gitlabrunner_runner_controller_scope" "gpu" {
  runner_controller_id = 3
  runner_id            = 42
}
