# Every detail of one runner, including the hosts (runner managers) that
# registered with its token.
data "gitlabrunner_runner" "build" {
  id = "42"
}

output "build_runner" {
  value = {
    status   = data.gitlabrunner_runner.build.status
    tags     = data.gitlabrunner_runner.build.tag_list
    paused   = data.gitlabrunner_runner.build.paused
    managers = [for m in data.gitlabrunner_runner.build.managers : "${m.system_id} (${m.version}, ${m.status})"]
  }
}

# Fail the plan when a runner lost its protected-branches-only setting.
check "build_runner_protected" {
  assert {
    condition     = data.gitlabrunner_runner.build.access_level == "ref_protected"
    error_message = "Runner 42 runs jobs of unprotected branches (access_level = ${data.gitlabrunner_runner.build.access_level})."
  }
}
