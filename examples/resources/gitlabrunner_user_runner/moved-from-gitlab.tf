# Terraform 1.8+ / OpenTofu 1.10+: move a runner from GitLab's provider
# (gitlab_user_runner) in one plan. Same runner, same token, nothing replaced
# and nothing written to GitLab. Rename the resource block, add the `moved`
# block, rename `untagged` to `run_untagged`, then `terraform apply`.
terraform {
  required_version = ">= 1.8"
}

moved {
  from = gitlab_user_runner.build
  to   = gitlabrunner_user_runner.build
}

resource "gitlabrunner_user_runner" "build" {
  runner_type  = "group_type"
  group_id     = 7
  description  = "build fleet"
  tag_list     = ["linux", "docker"]
  run_untagged = false # `untagged` in gitlab_user_runner
}
