output "ids" {
  description = "Runner ids by key."
  value       = { for k, r in gitlabrunner_user_runner.this : k => r.id }
}

output "runners" {
  description = "What the fleet looks like, by key: id, type, scope, description, tags and token expiry. Safe to print."
  value = {
    for k, r in gitlabrunner_user_runner.this : k => {
      id               = r.id
      runner_type      = r.runner_type
      group_id         = r.group_id
      project_id       = r.project_id
      description      = r.description
      tags             = sort(tolist(r.tag_list))
      paused           = r.paused
      token_expires_at = r.token_expires_at
      token_current    = r.token_current
    }
  }
}

output "tokens" {
  description = <<-EOT
    Authentication tokens by key (sensitive), ready for a secret store or Helm
    values, e.g. runnerToken = module.fleet.tokens["k8s"]. A token is null
    after an import until a rotation trigger changes.
  EOT
  value       = { for k, r in gitlabrunner_user_runner.this : k => r.token }
  sensitive   = true
}

output "token_secrets" {
  description = <<-EOT
    One secret-store entry per runner key (sensitive): runner_id, token,
    token_expires_at and version, the first 16 hex digits of the token's
    SHA-256. An entry changes exactly when its runner's token changes (a
    rotation, or a new runner), so it can drive a secret store's versions or a
    pod annotation that rolls the hosts; an apply without rotation leaves the
    whole map unchanged.
  EOT
  value = {
    for k, r in gitlabrunner_user_runner.this : k => {
      runner_id        = r.id
      token            = r.token
      token_expires_at = r.token_expires_at
      version          = r.token == null ? null : substr(sha256(r.token), 0, 16)
    }
  }
  sensitive = true
}

output "token_expires_at" {
  description = "When each token expires (RFC 3339), by key; null for tokens without expiry."
  value       = { for k, r in gitlabrunner_user_runner.this : k => r.token_expires_at }
}

output "registration_policy" {
  description = "The registration-token policy the module's check looked at (null when check_registration_policy is false)."
  value = var.check_registration_policy ? {
    scope                       = coalesce(data.gitlabrunner_registration_policy.fleet[0].scope_path, "instance")
    registration_tokens_allowed = data.gitlabrunner_registration_policy.fleet[0].registration_tokens_allowed
    legacy_workflow_phase       = data.gitlabrunner_registration_policy.fleet[0].legacy_workflow_phase
    recommended_action          = data.gitlabrunner_registration_policy.fleet[0].recommended_action
  } : null
}
