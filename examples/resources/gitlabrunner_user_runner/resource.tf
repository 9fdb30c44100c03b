terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# A group runner for the platform team's Kubernetes executor.
resource "gitlabrunner_user_runner" "platform" {
  runner_type = "group_type"
  group_id    = 42

  description      = "platform k8s runners"
  tag_list         = ["k8s", "linux", "amd64"]
  run_untagged     = false
  access_level     = "ref_protected"
  maximum_timeout  = 3600
  maintenance_note = "Owned by the platform team (#platform-oncall)."

  # Any change rotates the token in place: same runner, new token.
  rotation_triggers = {
    rotated = "2025-01"
  }

  # When GitLab expires runner tokens (say after 30 days), rotate 10 days
  # before they expire: before a running gitlab-runner rotates its own token
  # (at 75% of the lifetime), so the token Terraform hands out stays valid.
  rotate_before_expiry = "240h"

  # Notice a token rotated outside Terraform anyway (by a runner host or an
  # administrator) with one read-only GraphQL query per refresh, and rotate
  # it in place so that the apply hands out a working token again.
  token_check    = "graphql"
  on_stale_token = "rotate"
}

# A project runner with GitLab's defaults for everything else.
resource "gitlabrunner_user_runner" "app" {
  runner_type = "project_type"
  project_id  = 1234
  description = "app integration tests"
  tag_list    = ["docker"]
}

# The token is sensitive: hand it to the hosts that run jobs, e.g.
#   gitlab-runner register --url https://gitlab.example.com \
#     --token "$(terraform output -raw platform_runner_token)"
output "platform_runner_token" {
  value     = gitlabrunner_user_runner.platform.token
  sensitive = true
}

output "platform_runner_token_expires_at" {
  value = gitlabrunner_user_runner.platform.token_expires_at
}

# Hold back (as a warning) anything that would hand out a stale token.
check "platform_runner_token_current" {
  assert {
    condition     = gitlabrunner_user_runner.platform.token_current != false
    error_message = "The platform runner's token in state was rotated outside Terraform; the next apply rotates it."
  }
}
