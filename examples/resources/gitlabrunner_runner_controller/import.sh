# Import a runner controller by its numeric id (listed by the data source
# gitlabrunner_runner_controllers).
terraform import gitlabrunner_runner_controller.policy 3
