variable "group_id" {
  description = "The numeric id of the group whose runners to adopt."
  type        = number
}

variable "token_generation" {
  description = "Set, then change, to rotate the token of every adopted runner (for example a date). Unset, the tokens stay null as after any import."
  type        = string
  default     = null
}
