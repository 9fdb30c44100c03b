# runners.tfquery.hcl, beside a configuration with the provider block
# (Terraform 1.14+). `terraform query` prints the runners;
# `terraform query -generate-config-out=runners.tf` writes an import block and
# a resource block for each, which `terraform plan` imports as they are.
list "gitlabrunner_user_runner" "platform" {
  provider = gitlabrunner
  limit    = 1000 # Terraform lists 100 results unless told otherwise

  config {
    group_id = 7 # the group's own runners, not its parent groups'
    tag_list = ["k8s"]
  }
}

# Every runner of the instance (an administrator's token) that is paused.
list "gitlabrunner_user_runner" "paused" {
  provider = gitlabrunner
  limit    = 1000

  config {
    scope  = "instance"
    paused = true
  }
}
