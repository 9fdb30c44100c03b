terraform {
  # optional() attributes with defaults need Terraform 1.3; check blocks 1.5
  # (OpenTofu 1.6 has both).
  required_version = ">= 1.5"

  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}
