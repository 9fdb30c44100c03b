# The module's own tests, run by `terraform test` (Terraform 1.6+) or
# `tofu test` (OpenTofu 1.6+) against the provider's mock coordinator, an
# in-memory GitLab: see the guide "Testing modules with the mock coordinator".
#
# The provider is configured from the environment, which
# `mock-coordinator --print-env` prints: GITLAB_BASE_URL and GITLAB_TOKEN, the
# token of the Owner of the mock's seeded group "demo" (id 1), whose project
# "demo/platform/app" has id 1. Each run applies to the same state; at the end
# `terraform test` destroys what the file created.

variables {
  description_prefix = "ci-"
  rotation_triggers  = { fleet = "2026-01" }

  runners = {
    k8s = {
      runner_type  = "group_type"
      group_id     = 1
      tags         = ["k8s", "linux"]
      run_untagged = false
    }
    release = {
      runner_type      = "project_type"
      project_id       = 1
      tags             = ["release"]
      access_level     = "ref_protected"
      locked           = true
      maintenance_note = "owned by the release team"
    }
  }
}

run "creates_the_fleet" {
  assert {
    condition     = length(output.ids) == 2
    error_message = "expected two runners, got ${length(output.ids)}"
  }

  assert {
    condition     = startswith(nonsensitive(output.tokens["k8s"]), "glrt-t2_") && startswith(nonsensitive(output.tokens["release"]), "glrt-t3_")
    error_message = "the tokens are not a group and a project runner token"
  }

  assert {
    condition     = output.runners["k8s"].description == "ci-k8s" && join(",", output.runners["k8s"].tags) == "k8s,linux"
    error_message = "the k8s runner's description or tags: ${jsonencode(output.runners["k8s"])}"
  }

  assert {
    condition     = output.runners["release"].project_id == 1 && output.runners["release"].group_id == null
    error_message = "the release runner is not in project 1: ${jsonencode(output.runners["release"])}"
  }

  # The mock emulates GitLab 18.6, where registration tokens are off; the
  # group Owner's token reads that without the administrator-only settings.
  assert {
    condition     = output.registration_policy.registration_tokens_allowed == false && output.registration_policy.scope == "demo"
    error_message = "registration policy: ${jsonencode(output.registration_policy)}"
  }
}

# A new value of a fleet-wide trigger rotates every token in place: the same
# two runners, new tokens. (OpenTofu 1.6 cannot compare with an earlier run's
# outputs, so the provider's CI counts the rotations in the mock's log.)
run "rotates_every_token_on_a_fleet_trigger" {
  variables {
    rotation_triggers = { fleet = "2026-02" }
  }

  assert {
    condition     = length(output.ids) == 2 && startswith(nonsensitive(output.tokens["k8s"]), "glrt-t2_")
    error_message = "a rotation must keep both runners and give them tokens"
  }
}

run "refuses_a_group_runner_without_group_id" {
  command = plan

  variables {
    runners = {
      broken = { runner_type = "group_type" }
    }
  }

  expect_failures = [var.runners]
}
