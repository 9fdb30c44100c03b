terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Terraform 1.5+ / OpenTofu 1.6+: adopt the project's runner settings, then
# `terraform plan` shows what the configuration would change.
import {
  to = gitlabrunner_project_runner_settings.app
  id = "42"
}

resource "gitlabrunner_project_runner_settings" "app" {
  project_id             = 42
  shared_runners_enabled = false
}
