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
	"net/http"
	"strconv"
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

// checkToken is Read's part (and Update's when token_check changes): it
// judges the token in state against the runner's details (nil when there
// were none) and, with token_check = "graphql", against GraphQL. A rotation
// must rest on clear evidence, so token_current is null (cannot tell), with
// a warning, when:
//
//   - the details are ambiguous or malformed anywhere (details.Malformed;
//     the caller warns): GraphQL is not asked either;
//   - the details say the token was rotated but GraphQL, which
//     token_check = "graphql" names as the source, does not confirm it;
//   - the expiry GitLab shows has already passed: a token rotated after the
//     one in state cannot have expired before it;
//   - the GraphQL check fails.
//
// A token in state that has expired by the provider's clock is stale
// whatever GitLab answers.
func (r *userRunnerResource) checkToken(ctx context.Context, id int64, state *userRunnerModel, details *gitlabapi.RunnerDetails) (expiryReading, diag.Diagnostics) {
	var diags diag.Diagnostics
	now := r.Data.Now()
	if details != nil && len(details.Malformed) > 0 {
		state.TokenCurrent, _ = judgeToken(state.Token, state.TokenExpiresAt, expiryReading{}, now)
		return expiryReading{}, diags
	}
	var reading expiryReading
	if details != nil && details.TokenExpiresAt.Known {
		reading = expiryReading{Source: tokenCheckREST, ExpiresAt: details.TokenExpiresAt.At}
	}
	current, why := judgeToken(state.Token, state.TokenExpiresAt, reading, now)
	// An expired or token-less state needs no question to GitLab; a
	// rotation the details show is confirmed by the configured source.
	if (!reading.known() || why == staleRotated) && why != staleExpired && !state.Token.IsNull() &&
		state.TokenCheck.ValueString() == tokenCheckGraphQL {
		reading, current, why = r.checkGraphQL(ctx, id, state, reading, now, &diags)
	}
	if why == staleRotated && reading.ExpiresAt != nil && !reading.ExpiresAt.After(now) {
		diags.AddWarning("Implausible Runner Token Expiry", fmt.Sprintf(
			"%s shows runner %d's current token expiring at %s, which has already passed by the provider's clock (%s): a "+
				"token rotated after the one in state cannot have expired before it (the token in state expires at %s). "+
				"The provider does not act on it: token_current is null (cannot tell), and nothing is rotated.",
			sourceName(reading.Source, strconv.FormatInt(id, 10)), id, showExpiry(reading.ExpiresAt),
			now.UTC().Format(tfvalue.TimeLayout), showExpiry(parseStateExpiry(state.TokenExpiresAt))))
		reading, current, why = expiryReading{}, types.BoolNull(), ""
	}
	state.TokenCurrent = current
	if why != "" {
		tflog.Warn(ctx, "the token in state is stale", map[string]any{"runner_id": id, "why": why, "source": reading.Source})
	}
	return reading, diags
}

// checkGraphQL is checkToken's GraphQL query: it judges the token by
// GraphQL's answer, and when the details had shown a rotation (rest), keeps
// it only if GraphQL shows one too. A failed query or answers that disagree
// leave token_current null, with a warning.
func (r *userRunnerResource) checkGraphQL(ctx context.Context, id int64, state *userRunnerModel, rest expiryReading, now time.Time,
	diags *diag.Diagnostics) (expiryReading, types.Bool, string) {
	exp, err := r.Data.Client.RunnerTokenExpiry(ctx, id)
	if err != nil {
		diags.AddWarning("Runner Token Check Failed", diagnostics.APIError(
			fmt.Sprintf("Checking whether the token of runner %d in state is still its current token (token_check = %q, POST /api/graphql)",
				id, tokenCheckGraphQL), err, tokenCheckHint(id, err),
			"The refresh went on without it: token_current is null (cannot tell) until a check succeeds."))
		return expiryReading{}, types.BoolNull(), ""
	}
	reading := expiryReading{Source: tokenCheckGraphQL, ExpiresAt: exp.At}
	current, why := judgeToken(state.Token, state.TokenExpiresAt, reading, now)
	if rest.known() && why != staleRotated {
		diags.AddWarning("GitLab's Answers About the Runner Token Disagree", fmt.Sprintf(
			"GET /runners/%d shows runner %d's current token expiring at %s, which would mean the token in state was rotated, "+
				"but GraphQL (token_check = %q) shows it expiring at %s. The provider does not act on answers that disagree: "+
				"token_current is null (cannot tell), and nothing is rotated.",
			id, id, showExpiry(rest.ExpiresAt), tokenCheckGraphQL, showExpiry(exp.At)))
		return expiryReading{}, types.BoolNull(), ""
	}
	return reading, current, why
}

// parseStateExpiry is token_expires_at of the state as a time; nil when it
// is null or not a time.
func parseStateExpiry(v types.String) *time.Time {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, err := time.Parse(tfvalue.TimeLayout, v.ValueString())
	if err != nil {
		return nil
	}
	return &t
}

// malformedAnswerWarning explains an answer of method /runners/:id that
// held fields ambiguously or malformed, and what the resource made of it.
func malformedAnswerWarning(id int64, method string, fields []gitlabapi.MalformedField) string {
	consequence := "Terraform keeps what it knew of these fields: nothing is rotated or replaced on this answer."
	if method == http.MethodGet {
		consequence += " The token is not judged on it either: token_current is null (cannot tell), unless the token in " +
			"state has expired by the provider's clock."
	}
	return diagnostics.MalformedAnswer(fmt.Sprintf("%s /runners/%d", method, id), fields, consequence)
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
