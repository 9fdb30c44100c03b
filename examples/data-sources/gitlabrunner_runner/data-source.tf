terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# Every detail of one runner, and the hosts (managers) that registered its token.
data "gitlabrunner_runner" "build" {
  id = "42"
}

output "build_runner_hosts" {
  description = "system_id and gitlab-runner version of every host using the runner's token."
  value = {
    for m in data.gitlabrunner_runner.build.managers : m.system_id => m.version
  }
}
