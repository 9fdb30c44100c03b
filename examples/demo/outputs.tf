locals {
  runners = {
    instance = gitlabrunner_user_runner.instance
    group    = gitlabrunner_user_runner.group
    project  = gitlabrunner_user_runner.project
  }
}

output "runners" {
  description = "The runners created: id, type, tags and token expiry (safe to print)."
  value = {
    for k, r in local.runners : k => {
      id               = r.id
      runner_type      = r.runner_type
      tags             = sort(tolist(r.tag_list))
      token_expires_at = r.token_expires_at
    }
  }
}

# One output per token, so `terraform output -raw <name>` prints just it.
output "instance_runner_token" {
  value     = gitlabrunner_user_runner.instance.token
  sensitive = true
}

output "group_runner_token" {
  value     = gitlabrunner_user_runner.group.token
  sensitive = true
}

output "project_runner_token" {
  value     = gitlabrunner_user_runner.project.token
  sensitive = true
}

output "registration_policy" {
  description = "The demo group's registration-token policy."
  value = {
    scope                       = data.gitlabrunner_registration_policy.group.scope_path
    gitlab_version              = data.gitlabrunner_registration_policy.group.gitlab_version
    legacy_workflow_phase       = data.gitlabrunner_registration_policy.group.legacy_workflow_phase
    registration_tokens_allowed = data.gitlabrunner_registration_policy.group.registration_tokens_allowed
    recommended_action          = data.gitlabrunner_registration_policy.group.recommended_action
  }
}
