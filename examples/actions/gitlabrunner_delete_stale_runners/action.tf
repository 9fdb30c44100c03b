# Terraform 1.14+. Run it with
#   terraform apply -invoke=action.gitlabrunner_delete_stale_runners.autoscaled
# Each runner deleted (or, with dry_run, that would be) is reported as the
# action runs; start with dry_run = true.
terraform {
  required_version = ">= 1.14"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Autoscaled runners of group 7 that have not contacted GitLab for 3 days.
action "gitlabrunner_delete_stale_runners" "autoscaled" {
  config {
    group_id            = 7
    description_matches = "^autoscale-"
    tag_list            = ["docker"]
    older_than          = "72h"
    dry_run             = true
  }
}

# Every runner of the instance that GitLab reports stale (an administrator's
# token).
action "gitlabrunner_delete_stale_runners" "instance" {
  config {
    scope = "instance"
  }
}
