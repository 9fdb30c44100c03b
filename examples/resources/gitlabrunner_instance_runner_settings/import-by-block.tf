terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Terraform 1.5+ / OpenTofu 1.6+: adopt the instance's settings, then
# `terraform plan` shows what the configuration would change.
import {
  to = gitlabrunner_instance_runner_settings.this
  id = "instance"
}

resource "gitlabrunner_instance_runner_settings" "this" {
  allow_runner_registration_token = false
}
