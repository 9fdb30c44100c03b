package provider_test

// early_auth_check: a token GitLab refuses fails `terraform plan` with an
// error on `token`; a read_api token only warns; with the check off,
// configuring sends nothing.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/provider -run TestAccEarlyAuthCheck -v

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const routeOwnToken = "GET /personal_access_tokens/self"

// groupRunnerConfig is a provider block and one group runner: planning it
// needs no request but the provider's configuration.
func groupRunnerConfig(t *testing.T, g *acctest.GitLab, providerExtra, token string) string {
	return fmt.Sprintf(`provider "gitlabrunner" {
  base_url = %q
  token    = %q
  retries  = 0
%s}

resource "gitlabrunner_user_runner" "ci" {
  runner_type = "group_type"
  group_id    = %d
  description = %q
}
`, g.URL(), token, providerExtra, g.GroupID(t), g.Name(""))
}

// onToken matches a provider error attached to the token attribute:
// Terraform quotes the attribute's line of the provider block.
func onToken(phrase string) *regexp.Regexp {
	return regexp.MustCompile(acctest.Words(phrase).String() + `[\s\S]*in provider "gitlabrunner":\s+\d+:\s+token\s+=`)
}

func TestAccEarlyAuthCheck_refusedToken(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	// An expired and a revoked token: made in the mock's store (live mode
	// has no user to make them for).
	var expired, revoked string
	if !g.Live() {
		st := g.Mock(t).Store()
		user := st.CreateUser("ci-bot", false)
		expired, revoked = st.CreatePersonalAccessToken(user), st.CreatePersonalAccessToken(user)
		if err := st.SetPersonalAccessTokenExpiry(expired, g.Now()); err != nil { // expired since 00:00 today
			t.Fatal(err)
		}
		if err := st.RevokePersonalAccessToken(revoked); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, token string
		needs       acctest.Capability // "": runs in live mode too
		want        *regexp.Regexp
	}{
		{"wrong", "glpat-wrong-token-0000000000", "", onToken("GitLab Rejected the Token")},
		{"wrong, what GitLab answered", "glpat-wrong-token-0000000000", "", acctest.Words("401 Unauthorized (GET /personal_access_tokens/self)")},
		{"expired", expired, acctest.StoreAccess, onToken("GitLab Token Expired")},
		{"expired, what GitLab answered", expired, acctest.StoreAccess, acctest.Words("Token is expired. You can either do re-authorization or token refresh.")},
		{"revoked", revoked, acctest.StoreAccess, onToken("GitLab Token Revoked")},
		{"revoked, what to do", revoked, acctest.StoreAccess, acctest.Words("Create a new one with the `api` scope")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needs != "" {
				g.SkipLive(t, tc.needs)
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: providertest.Factories(g.Now),
				Steps:                    []resource.TestStep{{Config: groupRunnerConfig(t, g, "", tc.token), PlanOnly: true, ExpectError: tc.want}},
			})
		})
	}
	routes := g.Stats().RequestsByRoute()
	if runners := g.RunnerIDs(t); routes[routeOwnToken] == 0 || len(routes) != 1 || len(runners) != 0 {
		t.Errorf("requests %v, runners %v: want only the token check", routes, runners)
	}
}

// TestAccEarlyAuthCheck_readAPIToken: a token without a runner scope is a
// warning, not an error: data sources work with read_api, and a plan that
// creates a runner still plans (its apply would fail with 403).
func TestAccEarlyAuthCheck_readAPIToken(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t)
	m := g.Mock(t, acctest.SeededUsers) // a token with read_api only
	diags := configureProvider(t, map[string]any{"base_url": m.URL(), "token": m.Seed.ReadAPIToken})
	var texts []string
	for _, d := range diags {
		texts = append(texts, d.Summary+": "+d.Detail)
		if d.Severity != tfprotov6.DiagnosticSeverityWarning || d.Attribute == nil || d.Attribute.String() != "AttributeName(\"token\")" {
			t.Errorf("diagnostic %q (severity %v) on %v, want a warning on token", d.Summary, d.Severity, d.Attribute)
		}
		if strings.Contains(d.Detail, m.Seed.ReadAPIToken) {
			t.Errorf("the diagnostic quotes the token")
		}
	}
	if len(diags) != 1 || !strings.Contains(texts[0], "only the scope(s) `read_api`") {
		t.Fatalf("diagnostics %q, want one warning naming read_api", texts)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(m.Now),
		Steps: []resource.TestStep{
			{
				// A read-only configuration works.
				Config: m.ProviderBlock(m.Seed.ReadAPIToken) + `data "gitlabrunner_runners" "all" {}`,
				Check:  resource.TestCheckResourceAttrSet("data.gitlabrunner_runners.all", "ids.#"),
			},
			{
				Config:             groupRunnerConfig(t, g, "", m.Seed.ReadAPIToken),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccEarlyAuthCheck_off: with the check off (attribute or environment),
// planning sends no request, even with a wrong token; with the default, the
// same plan fails after one request.
func TestAccEarlyAuthCheck_off(t *testing.T) {
	acctest.PreCheck(t)
	const wrong = "glpat-wrong-token-0000000000"
	g := acctest.NewGitLab(t)
	plan := func(t *testing.T, config string, expectError *regexp.Regexp) {
		t.Helper()
		g.Stats().Reset()
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: providertest.Factories(g.Now),
			Steps: []resource.TestStep{{
				Config: config, PlanOnly: true, ExpectNonEmptyPlan: expectError == nil, ExpectError: expectError,
			}},
		})
	}
	t.Run("attribute", func(t *testing.T) {
		plan(t, groupRunnerConfig(t, g, "  early_auth_check = false\n", wrong), nil)
		if n := g.Stats().TotalRequests(); n != 0 {
			t.Errorf("early_auth_check = false sent %d requests: %v", n, g.Stats().RequestsByRoute())
		}
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv("GITLAB_EARLY_AUTH_CHECK", "false") // the provider is served in this process
		plan(t, groupRunnerConfig(t, g, "", wrong), nil)
		if n := g.Stats().TotalRequests(); n != 0 {
			t.Errorf("GITLAB_EARLY_AUTH_CHECK=false sent %d requests: %v", n, g.Stats().RequestsByRoute())
		}
	})
	t.Run("attribute wins over the environment", func(t *testing.T) {
		t.Setenv("GITLAB_EARLY_AUTH_CHECK", "false")
		plan(t, groupRunnerConfig(t, g, "  early_auth_check = true\n", wrong), onToken("GitLab Rejected the Token"))
	})
	t.Run("default", func(t *testing.T) {
		plan(t, groupRunnerConfig(t, g, "", wrong), onToken("GitLab Rejected the Token"))
		if n, self := g.Stats().TotalRequests(), g.Stats().Requests(routeOwnToken); n == 0 || n != self {
			t.Errorf("%d requests, %d of them the token check: %v", n, self, g.Stats().RequestsByRoute())
		}
	})
	t.Run("invalid environment", func(t *testing.T) {
		t.Setenv("GITLAB_EARLY_AUTH_CHECK", "maybe")
		plan(t, groupRunnerConfig(t, g, "", g.OwnerToken(t)), acctest.Words(`GITLAB_EARLY_AUTH_CHECK is "maybe", which is not a boolean`))
	})
}

// TestAccEarlyAuthCheck_olderGitLab: GitLab 15.4 has no
// /personal_access_tokens/self; GET /user decides.
func TestAccEarlyAuthCheck_olderGitLab(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.WithVersion("15.4.0"))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		Steps: []resource.TestStep{
			{Config: groupRunnerConfig(t, g, "", "glpat-wrong-token-0000000000"), PlanOnly: true, ExpectError: onToken("GitLab Rejected the Token")},
			{Config: groupRunnerConfig(t, g, "", g.OwnerToken(t)), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
	if g.Stats().Requests("GET /user") == 0 {
		t.Errorf("GET /user was never asked: %v", g.Stats().RequestsByRoute())
	}
}
