# Import the instance scope of runner controller 3, or its scope of runner 42.
terraform import gitlabrunner_runner_controller_scope.instance 3/instance
terraform import 'gitlabrunner_runner_controller_scope.gpu["a"]' 3/runners/42
