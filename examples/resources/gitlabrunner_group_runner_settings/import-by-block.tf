terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Terraform 1.5+ / OpenTofu 1.6+: adopt the group's runner settings, then
# `terraform plan` shows what the configuration would change.
import {
  to = gitlabrunner_group_runner_settings.demo
  id = "7"
}

resource "gitlabrunner_group_runner_settings" "demo" {
  group_id               = 7
  shared_runners_setting = "disabled_and_overridable"
}
