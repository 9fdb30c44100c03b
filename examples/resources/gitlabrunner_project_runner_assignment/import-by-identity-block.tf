# Terraform 1.12+ / OpenTofu 1.12+: import by identity, the project and the
# runner (what `terraform query -generate-config-out` writes).
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_project_runner_assignment.web
  identity = { project_id = 43, runner_id = 1001 }
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = 43
  runner_id  = 1001
}
