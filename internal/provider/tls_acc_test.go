package provider_test

// TLS through the provider against the mock coordinator's HTTPS mode: a
// private CA (cacert_file), insecure, client certificates, and the clear
// errors of a wrong CA or a missing client certificate.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
func tlsRunnerConfig(m *acctest.Mock, provider string) string {
	return provider + fmt.Sprintf(`
resource "gitlabrunner_user_runner" "test" {
  runner_type = "group_type"
  group_id    = %d
  description = "over tls"
  tag_list    = ["tls"]
}
data "gitlabrunner_runner" "test" { id = gitlabrunner_user_runner.test.id }
`, m.Seed.Group.ID)
}

const runnerAddress = "gitlabrunner_user_runner.test"

// tlsCase is the TestCase of a TLS test against m: the provider on m's
// clock, and nothing left in the mock after destroy.
func tlsCase(t *testing.T, m *acctest.Mock, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(m.Clock.Now),
		CheckDestroy:             m.CheckNoRunnersLeft(),
		Steps:                    steps,
	}
}

func checkReadBack() resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttr("data.gitlabrunner_runner.test", "description", "over tls"),
		resource.TestCheckResourceAttrPair("data.gitlabrunner_runner.test", "id", runnerAddress, "id"),
	)
}

// TestAccTLS_cacertFile: create, read, import-free refresh and destroy over
// HTTPS with the mock's CA in cacert_file.
func TestAccTLS_cacertFile(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithTLS())
	if !strings.HasPrefix(m.URL(), "https://") {
		t.Fatalf("mock URL %s is not https", m.URL())
	}
	resource.Test(t, tlsCase(t, m, resource.TestStep{
		Config: tlsRunnerConfig(m, m.ProviderBlock(m.Seed.Group.OwnerToken)),
		Check:  resource.ComposeTestCheckFunc(checkReadBack(), m.CheckAgreement(t, "gitlabrunner_user_runner")),
	}))
}

// TestAccTLS_insecure: insecure = true without a CA file works (for tests).
func TestAccTLS_insecure(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithTLS())
	provider := fmt.Sprintf("provider \"gitlabrunner\" {\n  base_url = %q\n  token = %q\n  insecure = true\n}\n", m.URL(), m.Seed.Group.OwnerToken)
	resource.Test(t, tlsCase(t, m, resource.TestStep{
		Config: tlsRunnerConfig(m, provider),
		Check:  resource.ComposeTestCheckFunc(checkReadBack(), m.CheckAgreement(t, "gitlabrunner_user_runner")),
	}))
}

// TestAccTLS_clientCertificate: the mock requires a client certificate
// signed by its CA; with client_cert/client_key everything works and every
// request carries the certificate; without them the error says so.
func TestAccTLS_clientCertificate(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithClientCerts(mockcoordinator.ClientCertsRequired))
	withCert := m.ProviderBlockWithClientCert(t, m.Seed.Group.OwnerToken)
	resource.Test(t, tlsCase(t, m,
		// Without a certificate, the token check fails the plan ...
		resource.TestStep{
			Config:      tlsRunnerConfig(m, m.ProviderBlock(m.Seed.Group.OwnerToken)),
			ExpectError: regexp.MustCompile(`(?s)Unable to Check the GitLab Token.*tls:\s+certificate\s+required`),
		},
		// ... and without the check, the create fails: a refused handshake
		// is a plain failure, not "may have been applied".
		resource.TestStep{
			Config: tlsRunnerConfig(m, strings.Replace(m.ProviderBlock(m.Seed.Group.OwnerToken),
				"provider \"gitlabrunner\" {\n", "provider \"gitlabrunner\" {\n  early_auth_check = false\n", 1)),
			ExpectError: regexp.MustCompile(`(?s)Unable to Create Runner.*tls:\s+certificate\s+required`),
		},
		resource.TestStep{
			PreConfig: func() { m.Stats().Reset() },
			Config:    tlsRunnerConfig(m, withCert),
			Check: resource.ComposeTestCheckFunc(
				checkReadBack(),
				func(s *terraform.State) error {
					if ids := m.Store().RunnerIDs(); len(ids) != 1 {
						return fmt.Errorf("the mock holds runners %v, want exactly one", ids)
					}
					log := m.Stats().Log()
					if len(log) == 0 {
						return fmt.Errorf("no request reached the mock")
					}
					for _, e := range log {
						if e.ClientCert != mockcoordinator.ClientCertCommonName {
							return fmt.Errorf("%s %s came without the client certificate", e.Method, e.Path)
						}
					}
					// The token in state is the runner's (verify needs a
					// client certificate here, so compare with the store).
					rs := s.RootModule().Resources[runnerAddress]
					id, err := strconv.ParseInt(rs.Primary.ID, 10, 64)
					if err != nil {
						return err
					}
					rec, _ := m.Store().Runner(id)
					if rs.Primary.Attributes["token"] != rec.Token {
						return fmt.Errorf("the token in state is not runner %d's", id)
					}
					return nil
				},
			),
		},
	))
}

// TestAccTLS_wrongCA: a CA file that did not sign the server's certificate
// fails with an error that says so, and nothing is created.
func TestAccTLS_wrongCA(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithTLS())
	other := acctest.StartMock(t, acctest.WithTLS())
	provider := fmt.Sprintf("provider \"gitlabrunner\" {\n  base_url = %q\n  token = %q\n  cacert_file = %q\n}\n",
		m.URL(), m.Seed.Group.OwnerToken, other.CAFile())
	resource.Test(t, tlsCase(t, m, resource.TestStep{
		Config:      tlsRunnerConfig(m, provider),
		ExpectError: acctest.Words("certificate signed by unknown authority"),
	}))
	if n := len(m.Store().RunnerIDs()); n != 0 {
		t.Errorf("%d runners were created through an untrusted connection", n)
	}
}

// TestAccTLS_httpsToPlainHTTP: an https:// base_url pointed at the mock's
// plain-HTTP port fails at once, with retries = 10, naming the scheme; the
// failure is no "may have been applied" (no request reached GitLab).
func TestAccTLS_httpsToPlainHTTP(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	provider := fmt.Sprintf("provider \"gitlabrunner\" {\n  base_url = %q\n  token = %q\n  retries = 10\n}\n",
		strings.Replace(m.URL(), "http://", "https://", 1), m.Seed.Group.OwnerToken)
	resource.Test(t, tlsCase(t, m, resource.TestStep{
		Config:      tlsRunnerConfig(m, provider),
		ExpectError: acctest.Words("answered in plain HTTP, not TLS"),
	}, resource.TestStep{
		// Without the provider's token check, the create fails the same way.
		Config: tlsRunnerConfig(m, strings.Replace(provider, "provider \"gitlabrunner\" {\n",
			"provider \"gitlabrunner\" {\n  early_auth_check = false\n", 1)),
		ExpectError: regexp.MustCompile(`(?s)Unable to Create Runner.*base_url says https://.*Use an http:// base_url`),
	}))
	if n := len(m.Stats().Log()); n != 0 {
		t.Errorf("%d requests reached the mock", n)
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
