# Terraform 1.12+ / OpenTofu 1.12+: import by identity, the project's id.
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_project_runner_settings.app
  identity = { project_id = 42 }
}

resource "gitlabrunner_project_runner_settings" "app" {
  project_id             = 42
  shared_runners_enabled = false
}
