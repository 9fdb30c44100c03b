# Terraform 1.12+ / OpenTofu 1.12+: import by identity. There is one set of
# settings per GitLab instance, so the identity may stay empty (its id is
# always "instance").
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_instance_runner_settings.this
  identity = {}
}

resource "gitlabrunner_instance_runner_settings" "this" {
  allow_runner_registration_token = false
}
