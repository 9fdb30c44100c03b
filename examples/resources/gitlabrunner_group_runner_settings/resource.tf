terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Needs the Owner role in the group (id 7, a top-level group).
resource "gitlabrunner_group_runner_settings" "demo" {
  group_id = 7

  # Managed: the group's projects use the group's own runners, not the
  # instance runners (subgroups and projects may turn them back on).
  shared_runners_setting = "disabled_and_overridable"

  # Managed: GitLab deletes the group's own runners that have not contacted
  # it for 3 months (GitLab Enterprise Edition 15.1+; pruning needs Ultimate).
  allow_stale_runner_pruning = true

  # Verified, not managed: GitLab has no API for this switch. If registration
  # tokens are still allowed in the group, the apply fails and says where to
  # turn them off (the group's Settings > CI/CD > Runners, or the instance
  # setting); once they are off, the plan is empty.
  allow_runner_registration_token = false
}

output "demo_registration_tokens_allowed" {
  value = gitlabrunner_group_runner_settings.demo.registration_tokens_allowed
}
