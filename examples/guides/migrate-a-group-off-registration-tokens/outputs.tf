# Step 2: hand the token to the fleet, e.g.
#   gitlab-runner register --non-interactive --url "$GITLAB_URL" \
#     --token "$(terraform output -raw runner_token)" --executor docker
# or the Helm chart's runnerToken.
output "runner_token" {
  value     = gitlabrunner_user_runner.fleet.token
  sensitive = true
}

output "runner_id" {
  value = gitlabrunner_user_runner.fleet.id
}

output "registration_tokens_allowed" {
  value = data.gitlabrunner_registration_policy.group.registration_tokens_allowed
}
