package provider_test

// Invalid provider configurations fail at plan with an error naming the
// attribute (and the environment variable where one applies), before any
// request reaches GitLab.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/provider -run TestAccProviderConfig -v

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestAccProviderConfig_invalid: not parallel, because the missing-token case
// clears GITLAB_TOKEN in this process (the provider is served in-process).
func TestAccProviderConfig_invalid(t *testing.T) {
	acctest.PreCheck(t)
	t.Setenv("GITLAB_TOKEN", "")
	t.Setenv("GITLAB_BASE_URL", "")
	g := acctest.NewGitLab(t)
	dir := t.TempDir()
	notPEM := writeFile(t, dir, "not-a-cert.pem", "this is not PEM\n")
	cert, key := selfSignedPair(t, dir)
	missing := filepath.Join(dir, "missing.pem")
	url, token := g.URL(), g.OwnerToken(t)

	// Each case is the body of the provider block; a data source makes
	// Terraform configure the provider during plan.
	cases := []struct {
		name, body string
		want       *regexp.Regexp
	}{
		{"base_url scheme", fmt.Sprintf("base_url = %q\ntoken = %q", "ftp://gitlab.example.com", token),
			acctest.Words(`base_url "ftp://gitlab.example.com" is not valid: the scheme must be http or https`)},
		{"base_url without scheme", fmt.Sprintf("base_url = %q\ntoken = %q", "gitlab.example.com", token),
			acctest.Words(`the scheme is missing`)},
		{"base_url with query", fmt.Sprintf("base_url = %q\ntoken = %q", "https://gitlab.example.com/?private_token=x", token),
			acctest.Words(`a query string (?...) is not allowed`)},
		{"base_url with user info", fmt.Sprintf("base_url = %q\ntoken = %q", "https://root:hunter2@gitlab.example.com", token),
			acctest.Words(`user information (user:password@) is not allowed`)},
		{"missing token", fmt.Sprintf("base_url = %q", url), acctest.Words(`set the GITLAB_TOKEN environment variable or the provider's "token" attribute`)},
		{"empty token", fmt.Sprintf("base_url = %q\ntoken = \"  \"", url), acctest.Words(`Missing GitLab Token`)},
		{"cacert_file missing", fmt.Sprintf("base_url = %q\ntoken = %q\ncacert_file = %q", url, token, missing),
			acctest.Words(fmt.Sprintf(`The cacert_file %q cannot be used`, missing))},
		{"cacert_file is a directory", fmt.Sprintf("base_url = %q\ntoken = %q\ncacert_file = %q", url, token, dir),
			acctest.Words(`it is a directory, not a PEM file`)},
		{"cacert_file not PEM", fmt.Sprintf("base_url = %q\ntoken = %q\ncacert_file = %q", url, token, notPEM),
			acctest.Words(fmt.Sprintf(`cacert_file %q contains no PEM certificate`, notPEM))},
		{"client_cert missing", fmt.Sprintf("base_url = %q\ntoken = %q\nclient_cert = %q\nclient_key = %q", url, token, missing, key),
			acctest.Words(fmt.Sprintf(`The client_cert %q cannot be used`, missing))},
		{"client_key missing", fmt.Sprintf("base_url = %q\ntoken = %q\nclient_cert = %q\nclient_key = %q", url, token, cert, missing),
			acctest.Words(fmt.Sprintf(`The client_key %q cannot be used`, missing))},
		{"client_cert without client_key", fmt.Sprintf("base_url = %q\ntoken = %q\nclient_cert = %q", url, token, cert),
			acctest.Words(`These attributes must be configured together: [client_cert,client_key]`)},
		{"client_key without client_cert", fmt.Sprintf("base_url = %q\ntoken = %q\nclient_key = %q", url, token, key),
			acctest.Words(`These attributes must be configured together: [client_cert,client_key]`)},
		{"client_cert and key swapped", fmt.Sprintf("base_url = %q\ntoken = %q\nclient_cert = %q\nclient_key = %q", url, token, key, cert),
			acctest.Words(`do not form a valid certificate/key pair`)},
		{"negative retries", fmt.Sprintf("base_url = %q\ntoken = %q\nretries = -1", url, token),
			acctest.Words(`retries value must be between 0 and 100, got: -1`)},
		{"too many retries", fmt.Sprintf("base_url = %q\ntoken = %q\nretries = 1000", url, token),
			acctest.Words(`retries value must be between 0 and 100, got: 1000`)},
		{"reserved header PRIVATE-TOKEN", fmt.Sprintf("base_url = %q\ntoken = %q\nheaders = { \"PRIVATE-TOKEN\" = \"x\" }", url, token),
			acctest.Words(`The header "PRIVATE-TOKEN" carries the access token`)},
		{"reserved header Authorization", fmt.Sprintf("base_url = %q\ntoken = %q\nheaders = { Authorization = \"Bearer x\" }", url, token),
			acctest.Words(`The header "Authorization" carries the access token`)},
		{"managed header", fmt.Sprintf("base_url = %q\ntoken = %q\nheaders = { \"User-Agent\" = \"x\" }", url, token),
			acctest.Words(`headers["User-Agent"]: "User-Agent" is managed by the provider`)},
		{"invalid header name", fmt.Sprintf("base_url = %q\ntoken = %q\nheaders = { \"X Bad\" = \"x\" }", url, token),
			acctest.Words(`"X Bad" is not a valid HTTP header name`)},
		{"header with line break", fmt.Sprintf("base_url = %q\ntoken = %q\nheaders = { \"X-Ok\" = \"a\\nb\" }", url, token),
			acctest.Words(`must not contain line breaks`)},
		{"header with NUL", fmt.Sprintf("base_url = %q\ntoken = %q\nheaders = { \"X-Ok\" = \"a\\u0000b\" }", url, token),
			acctest.Words(`headers["X-Ok"]: the value of "X-Ok" must not contain line breaks or NUL characters`)},
		{"request_timeout not a duration", fmt.Sprintf("base_url = %q\ntoken = %q\nrequest_timeout = \"60\"", url, token),
			acctest.Words(`request_timeout = "60" is not a duration`)},
		{"total_request_timeout not positive", fmt.Sprintf("base_url = %q\ntoken = %q\ntotal_request_timeout = \"0s\"", url, token),
			acctest.Words(`total_request_timeout = "0s" is not positive`)},
		{"unfinished_runners unknown value", fmt.Sprintf("base_url = %q\ntoken = %q\nunfinished_runners = \"adopt\"", url, token),
			acctest.Words(`unfinished_runners value must be one of: ["delete" "report"]`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			config := "provider \"gitlabrunner\" {\n" + tc.body + "\n}\ndata \"gitlabrunner_runners\" \"owned\" {}\n"
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providertest.Factories(g.Now),
				Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: tc.want}},
			})
		})
	}
	if n := g.Stats().TotalRequests(); n != 0 {
		t.Errorf("invalid provider configurations sent %d requests to GitLab: %v", n, g.Stats().RequestsByRoute())
	}
}

// selfSignedPair writes a certificate and its key (PEM) into dir: a valid
// pair, for the cases that need one the provider must not even try.
func selfSignedPair(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "acctest client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cert = writeFile(t, dir, "client.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	key = writeFile(t, dir, "client-key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	return cert, key
}
