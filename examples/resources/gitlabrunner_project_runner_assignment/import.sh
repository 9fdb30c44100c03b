# Import an existing assignment by <project_id>:<runner_id>: runner 1001
# assigned to project 43.
terraform import gitlabrunner_project_runner_assignment.web 43:1001
