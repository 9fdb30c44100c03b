terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Needs an administrator's token. Turn registration tokens off for the whole
# instance, let group Owners and project Maintainers create runners, and make
# the tokens of new group and project runners expire after 30 days.
resource "gitlabrunner_instance_runner_settings" "this" {
  allow_runner_registration_token          = false
  valid_runner_registrars                  = ["group", "project"]
  group_runner_token_expiration_interval   = 2592000 # 30 days, in seconds
  project_runner_token_expiration_interval = 2592000
  # runner_token_expiration_interval is not set: left as it is.
}
