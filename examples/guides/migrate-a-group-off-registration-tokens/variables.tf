variable "base_url" {
  type        = string
  default     = null
  description = "GitLab's URL, e.g. https://gitlab.example.com; null: the provider reads GITLAB_BASE_URL."
}

variable "token" {
  type        = string
  sensitive   = true
  default     = null
  description = "An administrator's token (api scope) to turn registration tokens off instance-wide; the top-level group's Owner is enough with disable_instance_wide = false. null: the provider reads GITLAB_TOKEN."
}

variable "group_id" {
  type        = number
  description = "The top-level group to migrate."
}

variable "runner_tags" {
  type        = list(string)
  default     = ["docker", "linux"]
  description = "The tags the legacy runners had (gitlab-runner register --tag-list): they now belong to the runner."
}

variable "disable_instance_wide" {
  type        = bool
  default     = true
  description = "true: turn registration tokens off for the whole instance (needs an administrator). false: only this group, whose switch is flipped in its Settings > CI/CD > Runners (GitLab has no API for it); the provider verifies it."
}
