# The configuration `make demo` applies against the mock coordinator, a local
# in-memory GitLab. The demo driver (tools/demo) passes the variables as
# TF_VAR_* environment variables; point them at a real GitLab to try it there.

terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

provider "gitlabrunner" {
  base_url = var.base_url
  token    = var.token
}

# An instance runner: shared by every project; creating it needs an administrator.
resource "gitlabrunner_user_runner" "instance" {
  runner_type     = "instance_type"
  description     = "demo shared docker runners"
  tag_list        = ["docker", "linux"]
  maximum_timeout = 3600

  # The demo's instance runner tokens live 90 days: rotate 30 days before.
  rotate_before_expiry = "720h"
}

# A group runner for every project of the demo group, only for tagged jobs of
# protected branches and tags.
resource "gitlabrunner_user_runner" "group" {
  runner_type  = "group_type"
  group_id     = var.group_id
  description  = "demo group k8s runners"
  tag_list     = ["k8s", "linux", "amd64"]
  run_untagged = false
  access_level = "ref_protected"

  # Change a value to rotate the token in place (same runner, new token);
  # `make demo` does so with TF_VAR_group_token_rotation.
  rotation_triggers = {
    rotated = var.group_token_rotation
  }
  # Group runner tokens live 30 days in the demo: rotate 10 days before they
  # expire, before a running gitlab-runner would (at 75% of the lifetime).
  rotate_before_expiry = "240h"
}

# A project runner, locked to its project.
resource "gitlabrunner_user_runner" "project" {
  runner_type      = "project_type"
  project_id       = var.project_id
  description      = "demo app integration tests"
  tag_list         = ["integration"]
  locked           = true
  maintenance_note = "Created by make demo."
}

# Are registration tokens (the legacy workflow) still allowed for the group?
data "gitlabrunner_registration_policy" "group" {
  group_id = var.group_id
}
