package userrunner

// Whether the token in state is still the runner's current token.
//
// GitLab gives a rotated token a new expiry (reset time + the applicable
// token expiration interval), whoever rotates it: a gitlab-runner host at
// 75% of the token's lifetime, an administrator, or Terraform. So when the
// runner's current token expires at another time than the token in state,
// the token in state is stale. Where GitLab shows the current expiry:
//
//   - in GET /runners/:id, the one request a refresh makes, when a server
//     sends token_expires_at there (no released version does; GitLab MR
//     !253821 proposes it);
//   - through GraphQL (runner.tokenExpiresAt, one read-only query), when the
//     configuration opts in with token_check = "graphql".
//
// POST /runners/verify also answers the expiry, but is not a probe: it
// creates or refreshes a runner manager and marks the runner as contacted.
// Without an expiration interval every token's expiry is null, before and
// after a rotation: then nothing can tell.
//
// Read decides token_current and keeps what GitLab showed in private state;
// ModifyPlan warns about a stale token and, with on_stale_token = "rotate",
// rotates it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// Values of on_stale_token and token_check; null means the first of each.
const (
	onStaleTokenWarn   = "warn"
	onStaleTokenRotate = "rotate"

	tokenCheckREST    = "rest"
	tokenCheckGraphQL = "graphql"
)

// expiryReading is what a refresh learned about the runner's current token.
type expiryReading struct {
	// Source is where GitLab showed the expiry: tokenCheckREST (the runner
	// details) or tokenCheckGraphQL; "" when it did not.
	Source string `json:"source"`
	// ExpiresAt is the current token's expiry; nil when it never expires.
	ExpiresAt *time.Time `json:"gitlab_token_expires_at"`
}

// known reports whether GitLab showed the current token's expiry.
func (e expiryReading) known() bool { return e.Source != "" }

// Why the token in state is stale.
const (
	staleRotated = "rotated"
	staleExpired = "expired"
)

// judgeToken is token_current for the token and expiry in state, given what
// GitLab showed and the provider's clock, and why it is false ("" unless
// false). Times compare to the second: GraphQL shows whole seconds, and the
// state keeps RFC 3339 without fractions.
func judgeToken(token, expiresAt types.String, gitlab expiryReading, now time.Time) (types.Bool, string) {
	if token.IsNull() || token.IsUnknown() || expiresAt.IsUnknown() {
		return types.BoolNull(), "" // no token to judge (after an import)
	}
	var inState *time.Time
	if !expiresAt.IsNull() {
		t, err := time.Parse(tfvalue.TimeLayout, expiresAt.ValueString())
		if err != nil {
			return types.BoolNull(), ""
		}
		if !now.Before(t) {
			return types.BoolValue(false), staleExpired
		}
		inState = &t
	}
	if !gitlab.known() {
		return types.BoolNull(), ""
	}
	if !sameSecond(inState, gitlab.ExpiresAt) {
		return types.BoolValue(false), staleRotated
	}
	if inState == nil {
		return types.BoolNull(), "" // no expiry: a rotation would not show
	}
	return types.BoolValue(true), ""
}

func sameSecond(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Truncate(time.Second).Equal(b.Truncate(time.Second))
}

// mintedTokenCurrent is token_current right after the provider minted a
// token, as the next refresh will judge it: true when a check will see its
// expiry, null otherwise. (With token_check = "rest" on a server whose
// runner details show the expiry, the next refresh says true.)
func mintedTokenCurrent(tokenCheck types.String, expiresAt *time.Time) types.Bool {
	if tokenCheck.ValueString() == tokenCheckGraphQL && expiresAt != nil {
		return types.BoolValue(true)
	}
	return types.BoolNull()
}

// checkToken is Read's part (and Update's when token_check changes): it judges the token in state against the
// runner's details and, with token_check = "graphql" and when the details
// do not show the expiry, against GraphQL. A failed GraphQL check is a
// warning, and token_current is then null: the refresh itself succeeded.
//
// detailsExpiry is what the runner details showed (not Known when there were
// none, or when they lacked it).
func (r *userRunnerResource) checkToken(ctx context.Context, id int64, state *userRunnerModel, detailsExpiry gitlabapi.TokenExpiry) (expiryReading, diag.Diagnostics) {
	var diags diag.Diagnostics
	now := r.Data.Now()
	var reading expiryReading
	if detailsExpiry.Known {
		reading = expiryReading{Source: tokenCheckREST, ExpiresAt: detailsExpiry.At}
	}
	current, why := judgeToken(state.Token, state.TokenExpiresAt, reading, now)
	// An expired or token-less state needs no question to GitLab.
	if !reading.known() && why != staleExpired && !state.Token.IsNull() && state.TokenCheck.ValueString() == tokenCheckGraphQL {
		exp, err := r.Data.Client.RunnerTokenExpiry(ctx, id)
		if err != nil {
			diags.AddWarning("Runner Token Check Failed", diagnostics.APIError(
				fmt.Sprintf("Checking whether the token of runner %d in state is still its current token (token_check = %q, POST /api/graphql)",
					id, tokenCheckGraphQL), err, tokenCheckHint(id, err),
				"The refresh went on without it: token_current is null (cannot tell) until a check succeeds."))
		} else {
			reading = expiryReading{Source: tokenCheckGraphQL, ExpiresAt: exp.At}
			current, why = judgeToken(state.Token, state.TokenExpiresAt, reading, now)
		}
	}
	state.TokenCurrent = current
	if why != "" {
		tflog.Warn(ctx, "the token in state is stale", map[string]any{"runner_id": id, "why": why, "source": reading.Source})
	}
	return reading, diags
}

// privateKeyTokenCheck is the private-state key where Read keeps what GitLab
// showed, for ModifyPlan's warning.
const privateKeyTokenCheck = "token_check"

// privateState is resource private state (the framework's ProviderData).
// The framework always sets it; Go-level tests that call Read or ModifyPlan
// directly leave it nil, so callers pass it only when it is set.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func saveReading(ctx context.Context, p privateState, reading expiryReading) diag.Diagnostics {
	if !reading.known() {
		return p.SetKey(ctx, privateKeyTokenCheck, nil)
	}
	b, err := json.Marshal(reading)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Save Token Check", "Encoding what GitLab showed about the runner's token: "+err.Error()+
			". This is a bug in the provider; please report it.")
		return diags
	}
	return p.SetKey(ctx, privateKeyTokenCheck, b)
}

// loadReading returns what the last refresh saved; an absent or unreadable
// entry reads as "GitLab did not say" (the warning then says less).
func loadReading(ctx context.Context, p privateState) expiryReading {
	b, diags := p.GetKey(ctx, privateKeyTokenCheck)
	var reading expiryReading
	if diags.HasError() || len(b) == 0 || json.Unmarshal(b, &reading) != nil {
		return expiryReading{}
	}
	return reading
}

// staleTokenWarning is ModifyPlan's warning about a stale token: which
// runner, what happened, and what the plan does about it.
func staleTokenWarning(id string, why string, expiresAt types.String, gitlab expiryReading, rotating bool, now time.Time) string {
	var what string
	switch why {
	case staleExpired:
		what = fmt.Sprintf("The token of runner %s in the Terraform state expired at %s (the provider's clock says %s): "+
			"GitLab refuses it, so a host cannot register with it.", id, expiresAt.ValueString(), now.UTC().Format(tfvalue.TimeLayout))
	default:
		shown := "an expiry of its own"
		if gitlab.known() {
			shown = "its current token expiring at " + showExpiry(gitlab.ExpiresAt) + " (" + sourceName(gitlab.Source, id) + ")"
		}
		inState := "never expires"
		if !expiresAt.IsNull() {
			inState = "expires at " + expiresAt.ValueString()
		}
		what = fmt.Sprintf("The token of runner %s in the Terraform state is no longer the runner's current token: GitLab shows %s, "+
			"but the token in state %s. The token was rotated outside Terraform — by a gitlab-runner host (it rotates its own "+
			"token when 75%% of its lifetime has passed) or by an administrator — and the previous token stopped working at once: "+
			"GitLab refuses the token in state, so a host cannot register with it.", id, shown, inState)
	}
	if rotating {
		return what + "\n\nThis plan rotates the token in place (on_stale_token = \"rotate\" or another rotation reason): the apply " +
			"puts a fresh, working token in state. It also revokes the token the runner's hosts use right now: hand them the new " +
			"token in the same change (Helm values, secret store)."
	}
	return what + "\n\nNothing changes (on_stale_token = \"warn\"). Hosts already running with the runner's current token keep " +
		"working. To put a working token in state, set on_stale_token = \"rotate\" (or change rotation_triggers) and apply; " +
		"that revokes the token the hosts use now, so hand them the new one in the same change. The guide \"Runner token " +
		"rotation\" explains when to let the runner rotate and when Terraform."
}

func showExpiry(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(tfvalue.TimeLayout)
}

func sourceName(source, id string) string {
	if source == tokenCheckGraphQL {
		return "GraphQL runner.tokenExpiresAt"
	}
	return "GET /runners/" + id
}

// tokenCheckHint is the advice for a failed GraphQL token check.
func tokenCheckHint(id int64, err error) string {
	var gqlErr *gitlabapi.GraphQLError
	switch {
	case errors.Is(err, gitlabapi.ErrUnauthorized):
		return "GitLab's GraphQL API accepts only tokens with the api or read_api scope (create_runner and manage_runner are " +
			"not enough). Give the provider's token read_api, or remove token_check."
	case errors.Is(err, gitlabapi.ErrNotFound):
		return fmt.Sprintf("GraphQL shows runner %d only to users who may read it (read_runner): administrators, the Owner or a "+
			"Maintainer of its group, a Maintainer of its project.", id)
	case errors.As(err, &gqlErr):
		return "GitLab older than 14.8 has no runner tokenExpiresAt in GraphQL; on such a server remove token_check."
	}
	return ""
}
