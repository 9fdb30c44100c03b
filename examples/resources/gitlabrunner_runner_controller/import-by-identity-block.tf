# Terraform 1.12+ / OpenTofu 1.12+: import by identity, the controller's id.
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_runner_controller.policy
  identity = { id = 3 }
}

resource "gitlabrunner_runner_controller" "policy" {
  description = "job admission policy"
  state       = "enabled"
}
