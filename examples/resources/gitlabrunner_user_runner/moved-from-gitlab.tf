# Terraform 1.8+ / OpenTofu 1.10+: move a runner from GitLab's provider
# (gitlab_user_runner) in one plan. Same runner, same token, nothing replaced
# and nothing written to GitLab by the move. Rename the resource block, add
# the `moved` block, rename `untagged` to `run_untagged`, then `terraform apply`.
#
# Write every attribute the runner has: here an attribute left out means
# GitLab's default (GitLab's provider kept GitLab's value), so the plan would
# reset it. The first plan after the move warns about each one.
terraform {
  required_version = ">= 1.8"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

moved {
  from = gitlab_user_runner.build
  to   = gitlabrunner_user_runner.build
}

resource "gitlabrunner_user_runner" "build" {
  runner_type      = "group_type"
  group_id         = 7
  description      = "build fleet"
  paused           = false
  locked           = false
  tag_list         = ["linux", "docker"]
  run_untagged     = false # `untagged` in gitlab_user_runner
  access_level     = "not_protected"
  maximum_timeout  = 3600 # leave out for gitlab_user_runner's 0 (no maximum timeout)
  maintenance_note = "ask #ci"
}
