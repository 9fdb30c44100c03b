variable "runners" {
  description = <<-EOT
    The runners of the fleet, by a stable key of your choice (the key names the
    runner in state and in the outputs; renaming it replaces the runner).
    Each entry mirrors gitlabrunner_user_runner: runner_type is required,
    group_id for group_type, project_id for project_type; everything else has
    GitLab's default. description defaults to "<description_prefix><key>".
  EOT
  type = map(object({
    runner_type          = string
    group_id             = optional(number)
    project_id           = optional(number)
    description          = optional(string)
    tags                 = optional(set(string), [])
    paused               = optional(bool, false)
    locked               = optional(bool, false)
    run_untagged         = optional(bool, true)
    access_level         = optional(string, "not_protected")
    maximum_timeout      = optional(number)
    maintenance_note     = optional(string, "")
    rotation_triggers    = optional(map(string), {})
    rotate_before_expiry = optional(string)
  }))

  validation {
    condition = alltrue([
      for r in values(var.runners) : contains(["instance_type", "group_type", "project_type"], r.runner_type)
    ])
    error_message = "Each runner's runner_type must be instance_type, group_type or project_type."
  }

  validation {
    condition = alltrue([
      for r in values(var.runners) :
      (r.runner_type == "group_type") == (r.group_id != null) &&
      (r.runner_type == "project_type") == (r.project_id != null)
    ])
    error_message = "group_type runners need group_id and project_type runners need project_id; other runners take neither."
  }

  validation {
    condition = alltrue([
      for r in values(var.runners) : r.run_untagged || length(r.tags) > 0
    ])
    error_message = "A runner with run_untagged = false needs at least one tag, or it could never pick a job."
  }
}

variable "description_prefix" {
  description = "Prepended to the key to form the description of runners that set none, e.g. \"prod-\"."
  type        = string
  default     = ""
}

variable "rotation_triggers" {
  description = "Fleet-wide rotation triggers, merged under each runner's own: change one value to rotate every token of the fleet in place."
  type        = map(string)
  default     = {}
}

variable "rotate_before_expiry" {
  description = "Default rotate_before_expiry for runners that set none (a Go duration such as \"240h\"; more than a quarter of the token lifetime, so Terraform rotates before a running gitlab-runner does); null to rotate only on trigger changes."
  type        = string
  default     = null
}

variable "token_check" {
  description = "How each refresh learns whether a token in state is still current (the runners' token_current): \"rest\" (default, no extra request; on released GitLab versions only an expired token is noticed) or \"graphql\" (one read-only GraphQL query per runner and refresh; the provider's token needs the api or read_api scope)."
  type        = string
  default     = null

  validation {
    condition     = var.token_check == null ? true : contains(["rest", "graphql"], var.token_check)
    error_message = "token_check must be \"rest\", \"graphql\" or null."
  }
}

variable "on_stale_token" {
  description = "What a plan does with a token known to be stale: \"warn\" (default) or \"rotate\" (rotate it in place; this revokes the token the runner's hosts use right now, so deliver the new one from token_secrets in the same apply)."
  type        = string
  default     = null

  validation {
    condition     = var.on_stale_token == null ? true : contains(["warn", "rotate"], var.on_stale_token)
    error_message = "on_stale_token must be \"warn\", \"rotate\" or null."
  }
}

variable "registration_policy_group_id" {
  description = <<-EOT
    The group whose registration-token policy the module's check reports on.
    Defaults to the group of the first group_type runner (by key), else the
    project of the first project_type runner, else the instance.
  EOT
  type        = number
  default     = null
}

variable "check_registration_policy" {
  description = "Read gitlabrunner_registration_policy and warn (a check block) while registration tokens are still allowed for the fleet's group, project or instance."
  type        = bool
  default     = true
}
