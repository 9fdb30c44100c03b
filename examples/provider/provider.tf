terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

# The settings are named as in GitLab's own provider, and so are the
# environment variables: GITLAB_BASE_URL and GITLAB_TOKEN.
provider "gitlabrunner" {
  # With or without /api/v4; a relative-root install works too.
  base_url = "https://gitlab.example.com"

  # A personal, group or project access token. Creating runners needs the
  # `create_runner` (or `api`) scope; managing them needs `manage_runner`
  # (or `api`). Prefer the GITLAB_TOKEN environment variable to a literal.
  token = var.gitlab_token

  # Optional: a private CA, and how often to retry rate-limited or failed
  # requests.
  # cacert_file = "/etc/ssl/certs/internal-ca.pem"
  retries = 5
}

variable "gitlab_token" {
  type      = string
  sensitive = true
}
