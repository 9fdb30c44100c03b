package provider_test

// TLS through the provider against an HTTPS server with a private CA (the
// mock coordinator's HTTPS mode, or in live mode the test's front): the CA
// in cacert_file, insecure, client certificates, and the clear
// errors of a wrong CA or a missing client certificate.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// tlsRunnerConfig is one group runner and a read of it through a data source.
func tlsRunnerConfig(t *testing.T, g *acctest.GitLab, provider string) string {
	return provider + fmt.Sprintf(`
resource "gitlabrunner_user_runner" "test" {
  runner_type = "group_type"
  group_id    = %d
  description = %q
  tag_list    = ["tls"]
}
data "gitlabrunner_runner" "test" { id = gitlabrunner_user_runner.test.id }
`, g.GroupID(t), g.Name("over tls"))
}

const runnerAddress = "gitlabrunner_user_runner.test"

// tlsCase is the TestCase of a TLS test against g: the provider on g's
// clock, and nothing of the test left in GitLab after destroy. Against the
// mock, the mock serves HTTPS; in live mode the test's front does, before
// GitLab.
func tlsCase(t *testing.T, g *acctest.GitLab, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(g.Now),
		CheckDestroy:             g.CheckNoRunnersLeft(),
		Steps:                    steps,
	}
}

func checkReadBack(g *acctest.GitLab) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttr("data.gitlabrunner_runner.test", "description", g.Name("over tls")),
		resource.TestCheckResourceAttrPair("data.gitlabrunner_runner.test", "id", runnerAddress, "id"),
	)
}

// TestAccTLS_cacertFile: create, read, import-free refresh and destroy over
// HTTPS with the server's CA in cacert_file.
func TestAccTLS_cacertFile(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.WithTLS())
	if !strings.HasPrefix(g.URL(), "https://") {
		t.Fatalf("URL %s is not https", g.URL())
	}
	resource.Test(t, tlsCase(t, g, resource.TestStep{
		Config: tlsRunnerConfig(t, g, g.ProviderBlock(g.OwnerToken(t))),
		Check:  resource.ComposeTestCheckFunc(checkReadBack(g), g.CheckAgreement(t, "gitlabrunner_user_runner")),
	}))
}

// TestAccTLS_insecure: insecure = true without a CA file works (for tests).
func TestAccTLS_insecure(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.WithTLS())
	provider := fmt.Sprintf("provider \"gitlabrunner\" {\n  base_url = %q\n  token = %q\n  insecure = true\n}\n", g.URL(), g.OwnerToken(t))
	resource.Test(t, tlsCase(t, g, resource.TestStep{
		Config: tlsRunnerConfig(t, g, provider),
		Check:  resource.ComposeTestCheckFunc(checkReadBack(g), g.CheckAgreement(t, "gitlabrunner_user_runner")),
	}))
}

// TestAccTLS_clientCertificate: the server requires a client certificate
// signed by its CA; with client_cert/client_key everything works and every
// request carries the certificate; without them the error says so.
func TestAccTLS_clientCertificate(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.WithClientCerts(mockcoordinator.ClientCertsRequired))
	owner := g.OwnerToken(t)
	withCert := g.ProviderBlockWithClientCert(t, owner)
	resource.Test(t, tlsCase(t, g,
		// Without a certificate, the token check fails the plan ...
		resource.TestStep{
			Config:      tlsRunnerConfig(t, g, g.ProviderBlock(owner)),
			ExpectError: regexp.MustCompile(`(?s)Unable to Check the GitLab Token.*tls:\s+certificate\s+required`),
		},
		// ... and without the check, the create fails: a refused handshake
		// is a plain failure, not "may have been applied".
		resource.TestStep{
			Config: tlsRunnerConfig(t, g, strings.Replace(g.ProviderBlock(owner),
				"provider \"gitlabrunner\" {\n", "provider \"gitlabrunner\" {\n  early_auth_check = false\n", 1)),
			ExpectError: regexp.MustCompile(`(?s)Unable to Create Runner.*tls:\s+certificate\s+required`),
		},
		resource.TestStep{
			PreConfig: func() { g.Stats().Reset() },
			Config:    tlsRunnerConfig(t, g, withCert),
			Check: resource.ComposeTestCheckFunc(
				checkReadBack(g),
				func(s *terraform.State) error {
					if ids, err := g.RunnerIDsErr(); err != nil || len(ids) != 1 {
						return fmt.Errorf("GitLab holds runners %v of the test (%v), want exactly one", ids, err)
					}
					log := g.Stats().Log()
					if len(log) == 0 {
						return fmt.Errorf("no request reached the server")
					}
					for _, e := range log {
						if e.ClientCert != mockcoordinator.ClientCertCommonName {
							return fmt.Errorf("%s %s came without the client certificate", e.Method, e.Path)
						}
					}
					return nil
				},
				// The token in state is the runner's (the checks' own
				// requests need no client certificate).
				g.CheckAgreement(t, "gitlabrunner_user_runner"),
			),
		},
	))
}

// TestAccTLS_wrongCA: a CA file that did not sign the server's certificate
// fails with an error that says so, and nothing is created.
func TestAccTLS_wrongCA(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.WithTLS())
	other, err := mockcoordinator.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	otherCA := writeFile(t, t.TempDir(), "other-ca.pem", string(other.PEM()))
	provider := fmt.Sprintf("provider \"gitlabrunner\" {\n  base_url = %q\n  token = %q\n  cacert_file = %q\n}\n",
		g.URL(), g.OwnerToken(t), otherCA)
	resource.Test(t, tlsCase(t, g, resource.TestStep{
		Config:      tlsRunnerConfig(t, g, provider),
		ExpectError: acctest.Words("certificate signed by unknown authority"),
	}))
	if n := len(g.RunnerIDs(t)); n != 0 {
		t.Errorf("%d runners were created through an untrusted connection", n)
	}
}

// TestAccTLS_httpsToPlainHTTP: an https:// base_url pointed at the server's
// plain-HTTP port fails at once, with retries = 10, naming the scheme; the
// failure is no "may have been applied" (no request reached GitLab).
func TestAccTLS_httpsToPlainHTTP(t *testing.T) {
	t.Parallel()
	g := acctest.NewGitLab(t)
	provider := fmt.Sprintf("provider \"gitlabrunner\" {\n  base_url = %q\n  token = %q\n  retries = 10\n}\n",
		strings.Replace(g.URL(), "http://", "https://", 1), g.OwnerToken(t))
	resource.Test(t, tlsCase(t, g, resource.TestStep{
		Config:      tlsRunnerConfig(t, g, provider),
		ExpectError: acctest.Words("answered in plain HTTP, not TLS"),
	}, resource.TestStep{
		// Without the provider's token check, the create fails the same way.
		Config: tlsRunnerConfig(t, g, strings.Replace(provider, "provider \"gitlabrunner\" {\n",
			"provider \"gitlabrunner\" {\n  early_auth_check = false\n", 1)),
		ExpectError: regexp.MustCompile(`(?s)Unable to Create Runner.*base_url says https://.*Use an http:// base_url`),
	}))
	if n := len(g.Stats().Log()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// TestProviderPlainHTTPWarning: configuring the provider (through the
// protocol, as Terraform does) with a plain-http base_url to another host
// warns on base_url; loopback and https do not.
func TestProviderPlainHTTPWarning(t *testing.T) {
	configure := func(baseURL string) []*tfprotov6.Diagnostic {
		return configureProvider(t, map[string]any{
			"base_url": baseURL,
			"token":    "glpat-plain-http-test-000000",
			// No GitLab listens at these URLs: configure without asking one.
			"early_auth_check": false,
		})
	}

	for url, wantWarning := range map[string]bool{
		"http://gitlab.example.com":  true,
		"http://10.1.2.3:8080/":      true,
		"http://127.0.0.1:8080":      false,
		"http://localhost":           false,
		"https://gitlab.example.com": false,
	} {
		var warnings []string
		for _, d := range configure(url) {
			switch d.Severity {
			case tfprotov6.DiagnosticSeverityError:
				t.Errorf("%s: unexpected error %s: %s", url, d.Summary, d.Detail)
			case tfprotov6.DiagnosticSeverityWarning:
				if d.Attribute == nil || d.Attribute.String() != tftypes.NewAttributePath().WithAttributeName("base_url").String() {
					t.Errorf("%s: warning %q is not attached to base_url", url, d.Summary)
				}
				if strings.Contains(d.Detail, "glpat-") {
					t.Errorf("%s: the warning quotes the token", url)
				}
				warnings = append(warnings, d.Summary+": "+d.Detail)
			}
		}
		if got := len(warnings) > 0; got != wantWarning {
			t.Errorf("%s: warning = %v, want %v (%v)", url, got, wantWarning, warnings)
		}
		if wantWarning && len(warnings) > 0 && !strings.Contains(warnings[0], "unencrypted") {
			t.Errorf("%s: the warning does not say why: %s", url, warnings[0])
		}
	}
}

// writeFile writes content to name in dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
