# Adopt every group runner of a group at once: one `import` block with
# `for_each` (Terraform 1.7+ / OpenTofu 1.7+) over what a query returns, and
# one resource block with the same keys. The first apply imports them all
# unchanged; setting `token_generation` then rotates their tokens, which is how
# Terraform gets tokens for runners it did not create (GitLab never shows an
# existing token again).
#
#   export GITLAB_BASE_URL=https://gitlab.example.com GITLAB_TOKEN=glpat-…
#   terraform apply -var group_id=42                              # adopt
#   terraform apply -var group_id=42 -var token_generation=2025-01 # rotate

terraform {
  required_version = ">= 1.7"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# base_url and token come from GITLAB_BASE_URL and GITLAB_TOKEN.
provider "gitlabrunner" {}

# The runners to adopt: the group runners of the group.
data "gitlabrunner_runners" "group" {
  group_id = var.group_id
  type     = "group_type"
}

# Each runner's settings, so that adopting it changes nothing.
data "gitlabrunner_runner" "existing" {
  for_each = toset(data.gitlabrunner_runners.group.ids)
  id       = each.key
}

locals {
  # GitLab also lists the runners of the group's parent groups: keep the
  # group's own.
  runners = {
    for id, r in data.gitlabrunner_runner.existing : id => r if r.groups[0].id == var.group_id
  }
}

import {
  for_each = local.runners
  to       = gitlabrunner_user_runner.adopted[each.key]
  id       = each.key
}

resource "gitlabrunner_user_runner" "adopted" {
  for_each = local.runners

  runner_type = "group_type"
  group_id    = var.group_id

  # Kept as they are in GitLab. Write values here instead to make every
  # adopted runner the same: the apply then updates them in place.
  description      = each.value.description
  paused           = each.value.paused
  locked           = each.value.locked
  run_untagged     = each.value.run_untagged
  tag_list         = each.value.tag_list
  access_level     = each.value.access_level
  maximum_timeout  = each.value.maximum_timeout
  maintenance_note = each.value.maintenance_note

  # Null until token_generation is set: the imported tokens are unknown to
  # Terraform. Each new value rotates every token in place; the old tokens
  # stop working at once, so hand the new ones to the hosts in the same
  # change (see the `tokens` output).
  rotation_triggers = var.token_generation == null ? null : {
    generation = var.token_generation
  }
}
