# The runners the token's user can manage (GET /runners).
data "gitlabrunner_runners" "mine" {}

# The runners available to one group, narrowed by GitLab's own filters.
data "gitlabrunner_runners" "group_k8s" {
  group_id = 42
  type     = "group_type"
  tag_list = ["k8s"]
  paused   = false
}

# Every runner of the instance that never contacted GitLab (administrators only).
data "gitlabrunner_runners" "never_contacted" {
  scope  = "instance"
  status = "never_contacted"
}

output "group_k8s_runner_ids" {
  value = data.gitlabrunner_runners.group_k8s.ids
}

output "never_contacted" {
  value = { for r in data.gitlabrunner_runners.never_contacted.runners : r.id => r.description }
}
