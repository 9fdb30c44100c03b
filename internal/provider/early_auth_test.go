package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

const testToken = "glpat-early-auth-test-0123456789"

func TestEarlyAuthCheckEnabled(t *testing.T) {
	for name, tc := range map[string]struct {
		attr    types.Bool
		env     string
		want    bool
		wantErr string
	}{
		"default on":              {attr: types.BoolNull(), want: true},
		"environment off":         {attr: types.BoolNull(), env: "false", want: false},
		"environment 0":           {attr: types.BoolNull(), env: "0", want: false},
		"environment on":          {attr: types.BoolNull(), env: "TRUE", want: true},
		"attribute wins, off":     {attr: types.BoolValue(false), env: "true", want: false},
		"attribute wins, on":      {attr: types.BoolValue(true), env: "false", want: true},
		"attribute wins over bad": {attr: types.BoolValue(true), env: "maybe", want: true},
		"bad environment":         {attr: types.BoolNull(), env: "maybe", wantErr: `GITLAB_EARLY_AUTH_CHECK is "maybe", which is not a boolean`},
	} {
		t.Run(name, func(t *testing.T) {
			got, diags := earlyAuthCheckEnabled(tc.attr, env(map[string]string{envEarlyAuthCheck: tc.env}))
			if tc.wantErr != "" {
				if !diags.HasError() || !strings.Contains(acctest.DiagText(diags), tc.wantErr) {
					t.Fatalf("diagnostics %q, want an error with %q", acctest.DiagText(diags), tc.wantErr)
				}
				if p := errorPath(diags); !p.Equal(path.Root("early_auth_check")) {
					t.Errorf("the error is on %v, want early_auth_check", p)
				}
				return
			}
			if diags.HasError() || got != tc.want {
				t.Fatalf("earlyAuthCheckEnabled = %v (%s), want %v", got, acctest.DiagText(diags), tc.want)
			}
		})
	}
}

// TestCheckToken: what each answer of GitLab becomes, on which attribute,
// and that the token never appears in a diagnostic.
func TestCheckToken(t *testing.T) {
	const self, user = "/api/v4/personal_access_tokens/self", "/api/v4/user"
	for name, tc := range map[string]struct {
		answers  map[string][2]string // path -> status, body
		severity diag.Severity        // of the one diagnostic; 0 = none
		path     path.Path
		want     []string
	}{
		"api token": {answers: map[string][2]string{self: {"200", `{"id":1,"scopes":["api"],"active":true}`}}},
		"create_runner and manage_runner": {answers: map[string][2]string{
			self: {"200", `{"id":1,"scopes":["manage_runner","create_runner"],"active":true}`}}},
		"read_api only": {answers: map[string][2]string{self: {"200", `{"id":1,"scopes":["read_api","read_user"],"active":true}`}},
			severity: diag.SeverityWarning, path: path.Root("token"),
			want: []string{"GitLab Token Cannot Manage Runners", "only the scope(s) `read_api`, `read_user`", "create_runner", "manage_runner", "Data sources work"}},
		"no scopes": {answers: map[string][2]string{self: {"200", `{"id":1,"scopes":[],"active":true}`}},
			severity: diag.SeverityWarning, path: path.Root("token"), want: []string{"has no scopes"}},
		"unknown token": {answers: map[string][2]string{self: {"401", `{"message":"401 Unauthorized"}`}},
			severity: diag.SeverityError, path: path.Root("token"),
			want: []string{"GitLab Rejected the Token", "401 Unauthorized (GET /personal_access_tokens/self)", "the GITLAB_TOKEN environment variable", "early_auth_check = false"}},
		"expired token": {answers: map[string][2]string{self: {"401", `{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}`}},
			severity: diag.SeverityError, path: path.Root("token"),
			want: []string{"GitLab Token Expired", "invalid_token: Token is expired. You can either do re-authorization or token refresh.", "Create a new one"}},
		"revoked token": {answers: map[string][2]string{self: {"401", `{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}`}},
			severity: diag.SeverityError, path: path.Root("token"),
			want: []string{"GitLab Token Revoked", "Token was revoked. You have to re-authorize from the user.", "Create a new one"}},
		"blocked user": {answers: map[string][2]string{self: {"403", `{"message":"403 Forbidden - Your account has been blocked."}`}},
			severity: diag.SeverityError, path: path.Root("token"), want: []string{"GitLab Refused the Token", "Your account has been blocked."}},
		"older GitLab": {answers: map[string][2]string{user: {"200", `{"id":1,"username":"root"}`}}},
		"older GitLab, unknown token": {answers: map[string][2]string{user: {"401", `{"message":"401 Unauthorized"}`}},
			severity: diag.SeverityError, path: path.Root("token"), want: []string{"GitLab Rejected the Token", "(GET /user)"}},
		"not GitLab": {answers: map[string][2]string{},
			severity: diag.SeverityError, path: path.Root("base_url"), want: []string{"No GitLab API at base_url", "Neither GET /personal_access_tokens/self nor GET /user"}},
		"GitLab down": {answers: map[string][2]string{self: {"503", `<html>down</html>`}},
			severity: diag.SeverityError, path: path.Empty(), want: []string{"Unable to Check the GitLab Token", "503"}},
	} {
		t.Run(name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				a, ok := tc.answers[r.URL.Path]
				if !ok {
					a = [2]string{"404", `{"error":"404 Not Found"}`}
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(map[string]int{"200": 200, "401": 401, "403": 403, "404": 404, "503": 503}[a[0]])
				_, _ = w.Write([]byte(a[1]))
			}))
			defer srv.Close()
			client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: srv.URL, Token: testToken, Retries: 0})
			if err != nil {
				t.Fatal(err)
			}
			diags := checkToken(t.Context(), client, tokenSource(nullModel()))
			text := acctest.DiagText(diags)
			if strings.Contains(text, testToken) || strings.Contains(text, "glpat-") {
				t.Fatalf("a diagnostic shows the token: %s", text)
			}
			if tc.severity == 0 {
				if len(diags) != 0 {
					t.Fatalf("unexpected diagnostics: %s", text)
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity() != tc.severity {
				t.Fatalf("diagnostics %s, want one of severity %v", text, tc.severity)
			}
			var got path.Path
			if d, ok := diags[0].(diag.DiagnosticWithPath); ok {
				got = d.Path()
			}
			if got.String() != tc.path.String() {
				t.Errorf("diagnostic on %q, want %q", got, tc.path)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, text)
				}
			}
			if n := requests.Load(); n < 1 || n > 2 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

func errorPath(diags diag.Diagnostics) path.Path {
	for _, d := range diags {
		if dp, ok := d.(diag.DiagnosticWithPath); ok && d.Severity() == diag.SeverityError {
			return dp.Path()
		}
	}
	return path.Empty()
}
