# The project runners assigned to project 43 from other projects (Terraform
# 1.14+); the runners project 43 owns are not assignments and are left out.
list "gitlabrunner_project_runner_assignment" "web" {
  provider = gitlabrunner

  config {
    project_id = 43
  }
}
