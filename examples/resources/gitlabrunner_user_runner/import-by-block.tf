terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Terraform 1.5+ / OpenTofu 1.6+: import with a block, then `terraform plan`
# shows what would change. group_id and project_id are read back from GitLab,
# so importing a group or project runner does not plan a replacement.
import {
  to = gitlabrunner_user_runner.platform
  id = "42"
}

resource "gitlabrunner_user_runner" "platform" {
  runner_type = "group_type"
  group_id    = 7
  description = "platform k8s runners"
  tag_list    = ["k8s", "linux"]

  # The token is null after an import. Adding (or changing) a trigger rotates
  # the token in place on the next apply, which gives Terraform a token to
  # hand out; the runner's hosts then need the new token.
  rotation_triggers = {
    adopted = "2025-01-15"
  }
}
