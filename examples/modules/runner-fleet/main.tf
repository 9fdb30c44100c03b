# A fleet of GitLab runners created with the runner creation workflow: one
# gitlabrunner_user_runner per entry of var.runners, each with its own token.

resource "gitlabrunner_user_runner" "this" {
  for_each = var.runners

  runner_type = each.value.runner_type
  group_id    = each.value.group_id
  project_id  = each.value.project_id

  description      = each.value.description != null ? each.value.description : "${var.description_prefix}${each.key}"
  tag_list         = each.value.tags
  paused           = each.value.paused
  locked           = each.value.locked
  run_untagged     = each.value.run_untagged
  access_level     = each.value.access_level
  maximum_timeout  = each.value.maximum_timeout
  maintenance_note = each.value.maintenance_note

  # null rather than {} when there are no triggers: nothing to compare.
  rotation_triggers    = length(local.triggers[each.key]) > 0 ? local.triggers[each.key] : null
  rotate_before_expiry = each.value.rotate_before_expiry != null ? each.value.rotate_before_expiry : var.rotate_before_expiry

  # Notice tokens rotated outside Terraform (token_current) and what to do then.
  token_check    = var.token_check
  on_stale_token = var.on_stale_token
}

# A token rotated outside Terraform (by a runner host or an administrator) no
# longer works: warn on every plan while one is in state. With
# on_stale_token = "rotate" the same apply puts a fresh one in token_secrets.
check "runner_tokens_current" {
  assert {
    condition = alltrue([for r in gitlabrunner_user_runner.this : r.token_current != false])
    error_message = "Runner tokens rotated outside Terraform are in state for: ${join(", ", sort(
      [for k, r in gitlabrunner_user_runner.this : k if r.token_current == false]
    ))}. Hosts registering with them are refused; set on_stale_token = \"rotate\" (or change a rotation trigger) and apply."
  }
}

locals {
  # A runner's own triggers win over the fleet-wide ones with the same name.
  triggers = { for k, r in var.runners : k => merge(var.rotation_triggers, r.rotation_triggers) }

  first_group_runner   = [for k in sort(keys(var.runners)) : var.runners[k] if var.runners[k].runner_type == "group_type"]
  first_project_runner = [for k in sort(keys(var.runners)) : var.runners[k] if var.runners[k].runner_type == "project_type"]

  policy_group_id = (
    var.registration_policy_group_id != null ? var.registration_policy_group_id :
    length(local.first_group_runner) > 0 ? local.first_group_runner[0].group_id : null
  )
  policy_project_id = (
    local.policy_group_id == null && length(local.first_project_runner) > 0 ? local.first_project_runner[0].project_id : null
  )
}

# Registration tokens let anyone holding one add runners outside Terraform.
# The check only warns (plans and applies go on), so a CI plan shows the
# warning until the top-level group's or the instance's switch is off.
#
# The data source is read at plan time, outside the check block: a data
# source scoped to a check block is re-read on every apply, so every plan of
# the fleet would show a pending read (and never be empty for drift checks).
data "gitlabrunner_registration_policy" "fleet" {
  count = var.check_registration_policy ? 1 : 0

  group_id   = local.policy_group_id
  project_id = local.policy_project_id

  # The instance settings need an administrator's token. A group's or a
  # project's answer does not need them (GitLab's answer for the group already
  # includes the instance switch), so a group Owner's token plans without an
  # "Instance Runner Settings Not Readable" warning.
  include_instance_settings = local.policy_group_id == null && local.policy_project_id == null
}

check "registration_tokens_disabled" {
  assert {
    # null means the token cannot read the policy (the data source warns why).
    condition = try(data.gitlabrunner_registration_policy.fleet[0].registration_tokens_allowed, null) != true
    error_message = try(
      "Registration tokens are still allowed for ${coalesce(data.gitlabrunner_registration_policy.fleet[0].scope_path, "the instance")}: ${data.gitlabrunner_registration_policy.fleet[0].recommended_action}",
      "Registration tokens are still allowed.",
    )
  }
}
