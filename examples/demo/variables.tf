variable "base_url" {
  description = "GitLab URL (the demo driver passes the mock coordinator's)."
  type        = string
}

variable "token" {
  description = "An administrator's access token with the api scope (instance runners need an administrator)."
  type        = string
  sensitive   = true
}

variable "group_id" {
  description = "The top-level group of the group runner."
  type        = number
}

variable "project_id" {
  description = "The project of the project runner."
  type        = number
}

variable "group_token_rotation" {
  description = "A rotation trigger of the group runner: any new value rotates its token in place."
  type        = string
  default     = "initial"
}
