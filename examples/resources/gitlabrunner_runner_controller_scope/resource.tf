terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

resource "gitlabrunner_runner_controller" "gpu" {
  description = "GPU quota"
  state       = "enabled"
}

# The controller is asked about the jobs of two instance runners only
# (GitLab 18.10+). A controller has runner scopes or the instance scope
# (leave runner_id out), never both.
resource "gitlabrunner_user_runner" "gpu" {
  for_each    = toset(["a", "b"])
  runner_type = "instance_type"
  description = "gpu-${each.key}"
  tag_list    = ["gpu"]
}

resource "gitlabrunner_runner_controller_scope" "gpu" {
  for_each             = gitlabrunner_user_runner.gpu
  runner_controller_id = gitlabrunner_runner_controller.gpu.id
  runner_id            = each.value.id
}
