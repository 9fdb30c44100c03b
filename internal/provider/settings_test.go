package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// env builds a getenv function from a map, so tests never touch the real environment.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func nullModel() providerModel {
	return providerModel{
		BaseURL: types.StringNull(), Token: types.StringNull(), CACertFile: types.StringNull(),
		Insecure: types.BoolNull(), ClientCert: types.StringNull(), ClientKey: types.StringNull(),
		Retries: tfvalue.Int64Null(), Headers: types.MapNull(types.StringType),
	}
}

func TestResolveSettingsEnvironmentFallbackAndOverride(t *testing.T) {
	// Environment only.
	cfg := nullModel()
	got, _, diags := resolveSettings(cfg, env(map[string]string{envBaseURL: "https://env.example.com", envToken: "env-secret"}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if got.BaseURL != "https://env.example.com" || got.Token != "env-secret" {
		t.Fatalf("environment fallback: got base_url %q token %q", got.BaseURL, got.Token)
	}
	client, token, diags := newClient(cfg, env(map[string]string{envBaseURL: "https://env.example.com", envToken: "env-secret"}), "", nil)
	if diags.HasError() || client.BaseURL().String() != "https://env.example.com/api/v4" || token != "env-secret" {
		t.Fatalf("environment fallback: client for %v with token %q (%v)", client.BaseURL(), token, diags)
	}
	if got.Retries != defaultRetries {
		t.Fatalf("default retries: got %d, want %d", got.Retries, defaultRetries)
	}

	// Configuration wins over the environment.
	cfg.BaseURL = types.StringValue("https://cfg.example.com/gitlab/")
	cfg.Token = types.StringValue("cfg-secret")
	cfg.Retries = tfvalue.Int64From(3)
	got, _, diags = resolveSettings(cfg, env(map[string]string{envBaseURL: "https://env.example.com", envToken: "env-secret"}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if got.BaseURL != "https://cfg.example.com/gitlab/" || got.Token != "cfg-secret" || got.Retries != 3 {
		t.Fatalf("override: got base_url %q token %q retries %d", got.BaseURL, got.Token, got.Retries)
	}
	client, _, diags = newClient(cfg, env(map[string]string{envBaseURL: "https://env.example.com", envToken: "env-secret"}), "", nil)
	if diags.HasError() || client.BaseURL().String() != "https://cfg.example.com/gitlab/api/v4" {
		t.Fatalf("override: client for %v (%v)", client.BaseURL(), diags)
	}

	// Nothing set: gitlab.com, and an error naming GITLAB_TOKEN.
	got, _, diags = resolveSettings(nullModel(), env(nil))
	if got.BaseURL != defaultBaseURL {
		t.Fatalf("default base_url: got %q", got.BaseURL)
	}
	if !diags.HasError() || !strings.Contains(acctest.DiagText(diags), "GITLAB_TOKEN") {
		t.Fatalf("missing token should name GITLAB_TOKEN, got %v", diags)
	}
}

func TestNewClientBaseURLNormalisation(t *testing.T) {
	cases := map[string]string{
		"https://gitlab.example.com":             "https://gitlab.example.com/api/v4",
		"https://gitlab.example.com/":            "https://gitlab.example.com/api/v4",
		"https://gitlab.example.com/api/v4":      "https://gitlab.example.com/api/v4",
		"https://gitlab.example.com/api/v4/":     "https://gitlab.example.com/api/v4",
		"https://example.com/gitlab":             "https://example.com/gitlab/api/v4",
		"https://example.com/gitlab/api/v4/":     "https://example.com/gitlab/api/v4",
		"  http://127.0.0.1:8080  ":              "http://127.0.0.1:8080/api/v4",
		"https://gitlab.example.com:8443/api/v4": "https://gitlab.example.com:8443/api/v4",
	}
	for in, want := range cases {
		cfg := nullModel()
		cfg.BaseURL = types.StringValue(in)
		cfg.Token = types.StringValue("x")
		client, _, diags := newClient(cfg, env(nil), "", nil)
		if diags.HasError() {
			t.Errorf("%q: unexpected error %v", in, diags)
			continue
		}
		if got := client.BaseURL().String(); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestNewClientErrorsNameAttributeAndValue(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name   string
		mutate func(*providerModel)
		want   []string // all must appear in the diagnostics
	}{
		{"malformed url", func(m *providerModel) { m.BaseURL = types.StringValue("ftp://gitlab.example.com") }, []string{"base_url", "ftp://gitlab.example.com"}},
		{"url without host", func(m *providerModel) { m.BaseURL = types.StringValue("https://") }, []string{"base_url", `"https://"`}},
		{"unreadable ca", func(m *providerModel) { m.CACertFile = types.StringValue(filepath.Join(dir, "missing.pem")) }, []string{"cacert_file", "missing.pem"}},
		{"ca is a directory", func(m *providerModel) { m.CACertFile = types.StringValue(dir) }, []string{"cacert_file", dir}},
		{"unreadable client cert", func(m *providerModel) {
			m.ClientCert = types.StringValue(filepath.Join(dir, "c.pem"))
			m.ClientKey = types.StringValue(filepath.Join(dir, "k.pem"))
		}, []string{"client_cert", "c.pem", "client_key", "k.pem"}},
		// The advice must fit both causes of an unknown setting: a value from a
		// resource, and terraform test's undeclared variables (a variable was
		// used there, so "use a variable" would mislead).
		{"unknown token", func(m *providerModel) { m.Token = types.StringUnknown() },
			[]string{`"token"`, "known only after apply", "terraform test", "declared", "GITLAB_TOKEN environment variable"}},
		{"unknown base url", func(m *providerModel) { m.BaseURL = types.StringUnknown() },
			[]string{`"base_url"`, "terraform test", "GITLAB_BASE_URL environment variable"}},
		{"unknown retries", func(m *providerModel) { m.Retries = tfvalue.Int64Unknown() },
			[]string{`"retries"`, "terraform test", "variables block"}},
		{"reserved header", func(m *providerModel) {
			m.Headers = types.MapValueMust(types.StringType, map[string]attr.Value{"PRIVATE-TOKEN": types.StringValue("x")})
		}, []string{"PRIVATE-TOKEN", "token"}},
		{"bad header name", func(m *providerModel) {
			m.Headers = types.MapValueMust(types.StringType, map[string]attr.Value{"X Bad": types.StringValue("x")})
		}, []string{`"X Bad"`, "header name"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := nullModel()
			m.Token = types.StringValue("secret-value")
			tc.mutate(&m)
			_, _, diags := newClient(m, env(nil), "", nil)
			if !diags.HasError() {
				t.Fatalf("expected an error, got none")
			}
			text := acctest.DiagText(diags)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostics %q should contain %q", text, w)
				}
			}
			if strings.Contains(text, "secret-value") {
				t.Errorf("diagnostics leak the token: %q", text)
			}
		})
	}
}

func TestNewClientPlainHTTPWarning(t *testing.T) {
	for in, wantWarning := range map[string]bool{
		"http://gitlab.example.com":  true,
		"http://127.0.0.1:8080":      false,
		"http://localhost:8080":      false,
		"http://[::1]:8080":          false,
		"https://gitlab.example.com": false,
	} {
		m := nullModel()
		m.BaseURL = types.StringValue(in)
		m.Token = types.StringValue("x")
		_, _, diags := newClient(m, env(nil), "", nil)
		if diags.HasError() {
			t.Fatalf("%s: unexpected error %v", in, diags)
		}
		if got := diags.WarningsCount() > 0; got != wantWarning {
			t.Errorf("%s: warning = %v, want %v (%v)", in, got, wantWarning, diags)
		}
	}
}

func TestResolveSettingsReadableFilesAccepted(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := nullModel()
	m.Token = types.StringValue("x")
	m.CACertFile = types.StringValue(ca)
	m.Insecure = types.BoolValue(true)
	got, _, diags := resolveSettings(m, env(nil))
	if diags.HasError() {
		t.Fatalf("unexpected error %v", diags)
	}
	if got.CACertFile != ca || !got.Insecure {
		t.Fatalf("got %+v", got)
	}
}

// TestNewClientBaseURLPasswordNotEchoed: a base_url with a password in
// it is refused, and the error does not repeat the password.
func TestNewClientBaseURLPasswordNotEchoed(t *testing.T) {
	for _, raw := range []string{"https://root:hunter2@gitlab.example.com", "https://root:hunter2@gitlab.example.com/api/v4?x=1"} {
		m := nullModel()
		m.BaseURL = types.StringValue(raw)
		m.Token = types.StringValue("x")
		_, _, diags := newClient(m, env(nil), "", nil)
		text := acctest.DiagText(diags)
		if !diags.HasError() || !strings.Contains(text, "base_url") {
			t.Errorf("%s: want an error naming base_url, got %q", raw, text)
		}
		if strings.Contains(text, "hunter2") {
			t.Errorf("the error repeats the password of the base_url: %q", text)
		}
	}
}

// Every bad headers entry is reported on that entry (headers["Name"]), not
// on the whole provider block, and the client is never built with it.
func TestHeaderErrorsPointAtTheEntry(t *testing.T) {
	for name, value := range map[string]string{
		"User-Agent":    "x",           // managed by the provider
		"Content-Type":  "text/plain",  // managed by the provider
		"X Bad":         "x",           // not an HTTP token
		"X-Line-Break":  "a\nb",        // line break in the value
		"X-Nul":         "a\x00b",      // NUL in the value
		"Authorization": "Bearer 1234", // carries the token
	} {
		m := nullModel()
		m.Token = types.StringValue("secret-value")
		m.Headers = types.MapValueMust(types.StringType, map[string]attr.Value{name: types.StringValue(value), "X-Fine": types.StringValue("ok")})
		_, _, diags := newClient(m, env(nil), "", nil)
		if diags.ErrorsCount() != 1 {
			t.Errorf("%q: want exactly one error, got %v", name, diags)
			continue
		}
		d, ok := diags.Errors()[0].(diag.DiagnosticWithPath)
		if want := path.Root("headers").AtMapKey(name); !ok || !d.Path().Equal(want) {
			t.Errorf("%q: the error should point at %s, got %v", name, want, diags.Errors()[0])
		}
		if text := acctest.DiagText(diags); !strings.Contains(text, name) {
			t.Errorf("%q: the error should name the header: %s", name, text)
		}
	}
}

func TestTimeoutSettings(t *testing.T) {
	m := nullModel()
	m.Token = types.StringValue("x")
	got, _, diags := resolveSettings(m, env(nil))
	if diags.HasError() || got.RequestTimeout != 0 || got.TotalTimeout != 0 {
		t.Fatalf("defaults: %+v %v (0 means the client's defaults)", got, diags)
	}
	m.RequestTimeout = types.StringValue("15s")
	m.TotalRequestTimeout = types.StringValue("10m")
	got, _, diags = resolveSettings(m, env(nil))
	if diags.HasError() || got.RequestTimeout != 15*time.Second || got.TotalTimeout != 10*time.Minute {
		t.Fatalf("set: %+v %v", got, diags)
	}
}
