terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Terraform 1.5+ / OpenTofu 1.6+: import with a block. Configuring an
# assignment that already exists needs no import: the apply adopts it.
import {
  to = gitlabrunner_project_runner_assignment.web
  id = "43:1001"
}

resource "gitlabrunner_project_runner_assignment" "web" {
  project_id = 43
  runner_id  = 1001
}
