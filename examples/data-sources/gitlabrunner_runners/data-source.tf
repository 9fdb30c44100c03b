terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Runners the token's user can manage (the default scope, GET /runners).
data "gitlabrunner_runners" "mine" {}

# Paused group runners of one group that carry both tags.
data "gitlabrunner_runners" "paused_docker" {
  group_id = 12
  type     = "group_type"
  paused   = true
  tag_list = ["docker", "linux"]
}

# Every runner of the instance that has not contacted GitLab for a week
# (needs an administrator token).
data "gitlabrunner_runners" "stale" {
  scope  = "instance"
  status = "stale"
}

output "stale_runner_ids" {
  value = data.gitlabrunner_runners.stale.ids
}
