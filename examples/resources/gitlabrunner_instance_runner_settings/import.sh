# There is one set of settings per instance: any id works, `instance` by
# convention.
terraform import gitlabrunner_instance_runner_settings.this instance
