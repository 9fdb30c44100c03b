# Import token 7 of runner controller 3 by <runner_controller_id>/<token_id>.
# GitLab never shows a token again: the imported token is null until
# rotation_triggers change.
terraform import gitlabrunner_runner_controller_token.policy 3/7
