output "runner_ids" {
  description = "The ids of the adopted runners."
  value       = sort(keys(gitlabrunner_user_runner.adopted))
}

output "tokens" {
  description = "Runner id => token, for a secret store or Helm values; null until token_generation is set."
  value       = { for id, r in gitlabrunner_user_runner.adopted : id => r.token }
  sensitive   = true
}
