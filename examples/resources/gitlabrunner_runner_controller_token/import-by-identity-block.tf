# Terraform 1.12+ / OpenTofu 1.12+: import by identity, the controller and
# the token. GitLab never shows a token again: change rotation_triggers to
# get one into the state.
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_runner_controller_token.policy
  identity = { runner_controller_id = 3, token_id = 7 }
}

resource "gitlabrunner_runner_controller_token" "policy" {
  runner_controller_id = 3
  description          = "policy service"
  rotation_triggers    = { rotated = "after-import" }
}
