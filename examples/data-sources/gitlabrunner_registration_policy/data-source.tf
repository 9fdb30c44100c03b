terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Make CI plans notice, or refuse, registration tokens that are still allowed.

variable "group_id" {
  type        = number
  description = "Id of the group whose runners must use the new creation workflow (gitlabrunner_user_runner)."
}

# The report for one group: the effective answer combines the instance setting
# and the top-level group's switch. Reading it needs the group's Owner role;
# what cannot be read is null and Terraform shows a warning that names the
# missing permission. A group the token cannot see at all fails the plan.
# The instance settings (valid_runner_registrars, token expiration intervals)
# need an administrator: a group Owner's token skips them, without a warning.
data "gitlabrunner_registration_policy" "group" {
  group_id                  = var.group_id
  include_instance_settings = false
}

# A check block only warns: the plan still succeeds.
check "registration_tokens_off" {
  assert {
    condition     = data.gitlabrunner_registration_policy.group.registration_tokens_allowed == false
    error_message = data.gitlabrunner_registration_policy.group.recommended_action
  }
}

# A precondition fails the plan while registration tokens are allowed for the
# group (or while the token cannot tell: the answer is then null, not false).
resource "terraform_data" "registration_tokens_gate" {
  lifecycle {
    precondition {
      condition     = data.gitlabrunner_registration_policy.group.registration_tokens_allowed == false
      error_message = data.gitlabrunner_registration_policy.group.recommended_action
    }
  }
}

output "legacy_workflow_phase" {
  value = data.gitlabrunner_registration_policy.group.legacy_workflow_phase
}
