# Terraform 1.12+ / OpenTofu 1.12+: import by identity, the group's id.
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_group_runner_settings.demo
  identity = { group_id = 7 }
}

resource "gitlabrunner_group_runner_settings" "demo" {
  group_id               = 7
  shared_runners_setting = "disabled_and_overridable"
}
