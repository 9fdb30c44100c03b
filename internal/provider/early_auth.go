package provider

// early_auth_check: while the provider is configured (at every plan and
// apply), one request asks GitLab whether the token works, so that a wrong,
// expired or revoked token fails `terraform plan` rather than the apply
// after it. Named, defaulted and switched by environment as in GitLab's own
// provider (which asks GET /user); this one asks GET
// /personal_access_tokens/self, which also tells the token's scopes.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// envEarlyAuthCheck supplies early_auth_check's default, as in GitLab's provider.
const envEarlyAuthCheck = "GITLAB_EARLY_AUTH_CHECK"

// runnerScopes can create or manage runners: create_runner creates,
// manage_runner reads, updates, rotates and deletes, api does everything.
var runnerScopes = []string{gitlabapi.ScopeAPI, gitlabapi.ScopeCreateRunner, gitlabapi.ScopeManageRunner}

const earlyAuthOffHint = "To configure the provider without asking GitLab (for example to plan offline), set " +
	"`early_auth_check = false` in the provider block or " + envEarlyAuthCheck + "=false."

// earlyAuthCheckEnabled resolves early_auth_check: the attribute, else
// GITLAB_EARLY_AUTH_CHECK, else true (GitLab's provider's default).
func earlyAuthCheckEnabled(v types.Bool, getenv func(string) string) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !v.IsNull() {
		return v.ValueBool(), diags
	}
	raw := strings.TrimSpace(getenv(envEarlyAuthCheck))
	if raw == "" {
		return true, diags
	}
	on, err := strconv.ParseBool(raw)
	if err != nil {
		diags.AddAttributeError(path.Root("early_auth_check"), "Invalid "+envEarlyAuthCheck+" Value",
			fmt.Sprintf("The environment variable %s is %q, which is not a boolean: set it to true or false, or unset it "+
				"(the check is on by default).", envEarlyAuthCheck, raw))
	}
	return on, diags
}

// tokenSource says where the token came from, for advice.
func tokenSource(cfg providerModel) string {
	if cfg.Token.IsNull() {
		return "the " + envToken + " environment variable"
	}
	return "the provider's `token` attribute"
}

// checkToken asks GitLab about the token and explains its answer. A token
// GitLab refuses is an error on `token`; a token without a runner scope is
// only a warning, because the provider cannot know at this point whether the
// configuration manages runners or only reads them through data sources,
// which read_api allows.
func checkToken(ctx context.Context, client *gitlabapi.Client, source string) diag.Diagnostics {
	var diags diag.Diagnostics
	check, err := client.CheckToken(ctx)
	if err != nil {
		addCheckError(&diags, client, source, err)
		return diags
	}
	if check.Token == nil {
		tflog.Info(ctx, "early_auth_check: GitLab accepted the token but cannot describe it (older than 15.5, or not a "+
			"personal access token); its scopes were not checked", map[string]any{"endpoint": check.Endpoint})
		return diags
	}
	tflog.Debug(ctx, "early_auth_check: GitLab accepted the token", map[string]any{"scopes": check.Token.Scopes})
	if !check.Token.HasAnyScope(runnerScopes...) {
		diags.AddAttributeWarning(path.Root("token"), "GitLab Token Cannot Manage Runners",
			fmt.Sprintf("GitLab says the token from %s has %s. Creating runners needs the `create_runner` or `api` scope; "+
				"reading, updating, rotating and deleting them needs `manage_runner` or `api`. Data sources work with "+
				"`read_api`, which is why this is a warning: if this configuration manages gitlabrunner_user_runner "+
				"resources, the apply will fail with 403 insufficient_scope. Use a token with the `api` scope, or with "+
				"`create_runner` and `manage_runner`.", source, describeScopes(check.Token.Scopes)))
	}
	return diags
}

// addCheckError explains a failed check: on `token` when GitLab refused the
// token, on `base_url` when there seems to be no GitLab there, otherwise as
// a failure to reach GitLab.
func addCheckError(diags *diag.Diagnostics, client *gitlabapi.Client, source string, err error) {
	attempted := fmt.Sprintf("Checking the token from %s with the GitLab at %s (early_auth_check)", source, client.BaseURL())
	switch {
	case errors.Is(err, gitlabapi.ErrUnauthorized):
		what, advice := "GitLab Rejected the Token", ""
		switch answer := diagnostics.Answer(err); {
		case strings.Contains(answer, "Token is expired"):
			what = "GitLab Token Expired"
			advice = "The token has expired. Create a new one (or rotate it in GitLab: User settings > Access tokens, " +
				"or the group's or project's Access tokens) with the `api` scope, or `create_runner` and `manage_runner`, " +
				"and put it in " + source + "."
		case strings.Contains(answer, "Token was revoked"):
			what = "GitLab Token Revoked"
			advice = "The token was revoked. Create a new one with the `api` scope, or `create_runner` and " +
				"`manage_runner`, and put it in " + source + "."
		}
		diags.AddAttributeError(path.Root("token"), what, diagnostics.APIError(attempted, err, advice, earlyAuthOffHint))
	case errors.Is(err, gitlabapi.ErrForbidden):
		diags.AddAttributeError(path.Root("token"), "GitLab Refused the Token", diagnostics.APIError(attempted, err,
			"GitLab knows the token but refuses its user (for example a blocked account or terms not accepted).",
			earlyAuthOffHint))
	case errors.Is(err, gitlabapi.ErrNotFound):
		diags.AddAttributeError(path.Root("base_url"), "No GitLab API at base_url", diagnostics.APIError(attempted, err,
			fmt.Sprintf("Neither GET /personal_access_tokens/self nor GET /user exists at %s: base_url does not seem "+
				"to point at a GitLab instance (give its URL, with or without /api/v4).", client.BaseURL()), earlyAuthOffHint))
	default: // 5xx, 429 after the retries, no answer, an answer that is not GitLab's
		diags.AddError("Unable to Check the GitLab Token", diagnostics.APIError(attempted, err, earlyAuthOffHint))
	}
}

func describeScopes(scopes []string) string {
	if len(scopes) == 0 {
		return "no scopes"
	}
	s := append([]string(nil), scopes...)
	sort.Strings(s)
	return "only the scope(s) `" + strings.Join(s, "`, `") + "`"
}
