# Terraform 1.12+ / OpenTofu 1.12+: import by the runner's identity, which is
# what `terraform query -generate-config-out` writes. It works as import by id
# does: nothing changes, and the token is null until a rotation trigger mints
# one.
terraform {
  required_version = ">= 1.12"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

import {
  to       = gitlabrunner_user_runner.platform
  identity = { id = "42" }
}

resource "gitlabrunner_user_runner" "platform" {
  runner_type = "group_type"
  group_id    = 7
  description = "platform k8s runners"
  tag_list    = ["k8s", "linux"]
}
