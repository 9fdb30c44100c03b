# Migrating a group off runner registration tokens, end to end: the guide
# "Migrate a group off registration tokens" walks through it step by step.

terraform {
  required_version = ">= 1.5" # check blocks

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

# Step 1: the replacement runner, created in GitLab with an authentication
# (glrt-) token. Its settings are what `gitlab-runner register
# --registration-token … --tag-list …` used to pass.
resource "gitlabrunner_user_runner" "fleet" {
  runner_type     = "group_type"
  group_id        = var.group_id
  description     = "build fleet (replaces the registration-token runners)"
  tag_list        = var.runner_tags
  run_untagged    = false
  maximum_timeout = 3600
}

# Step 3, instance-wide: registration tokens off for every group and project
# (needs an administrator). Destroying this resource leaves the setting off.
resource "gitlabrunner_instance_runner_settings" "this" {
  count = var.disable_instance_wide ? 1 : 0

  allow_runner_registration_token = false
  # Tokens of group runners created from now on expire after 30 days; the
  # runner rotates its own before that.
  group_runner_token_expiration_interval = 2592000

  # Only once the fleet has its new runner.
  depends_on = [gitlabrunner_user_runner.fleet]
}

# Step 3, for this group: GitLab has no API for the group's switch, so this
# verifies it. If registration tokens are still allowed in the group, the
# apply fails and says where to flip the switch (Settings > CI/CD > Runners);
# once it is off, the plan is empty.
resource "gitlabrunner_group_runner_settings" "group" {
  group_id                        = var.group_id
  allow_runner_registration_token = false

  depends_on = [gitlabrunner_instance_runner_settings.this]
}

# Step 4: the gate. Every plan reports whether registration tokens still
# work in the group, and says what to do while they do.
data "gitlabrunner_registration_policy" "group" {
  group_id = var.group_id

  depends_on = [gitlabrunner_group_runner_settings.group]
}

check "registration_tokens_off" {
  assert {
    condition     = data.gitlabrunner_registration_policy.group.registration_tokens_allowed == false
    error_message = data.gitlabrunner_registration_policy.group.recommended_action
  }
}
