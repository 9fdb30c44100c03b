# Import an existing runner by its numeric id (shown in GitLab's runner list
# and in GET /runners). GitLab never shows an existing token again, so the
# token is null after the import: change rotation_triggers to mint a new one.
terraform import gitlabrunner_user_runner.platform 42
