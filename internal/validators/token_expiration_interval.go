package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Bounds of GitLab's runner token expiration intervals, in seconds.
const (
	// MaxTokenExpirationInterval is the largest value GitLab's integer column
	// holds (int4); larger values make GitLab fail with a 500.
	MaxTokenExpirationInterval = 1<<31 - 1
	// DocumentedMinTokenExpirationInterval is the minimum GitLab's
	// documentation states (2 hours). Only its UI enforces it; the API
	// accepts less.
	DocumentedMinTokenExpirationInterval = 7200
)

// tokenExpirationIntervalValidator checks a runner token expiration
// interval in seconds: 0 (no expiry) or 1 to MaxTokenExpirationInterval,
// with a warning below GitLab's documented minimum.
type tokenExpirationIntervalValidator struct{}

// TokenExpirationInterval accepts 0 (tokens do not expire) or 1 to
// 2147483647 seconds, and warns below 7200 (GitLab's documented minimum,
// which its API does not enforce).
func TokenExpirationInterval() validator.Int64 { return tokenExpirationIntervalValidator{} }

func (tokenExpirationIntervalValidator) Description(context.Context) string {
	return fmt.Sprintf("0 (no expiry) or 1 to %d seconds; below %d (2 hours) warns", MaxTokenExpirationInterval, DocumentedMinTokenExpirationInterval)
}

func (v tokenExpirationIntervalValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (tokenExpirationIntervalValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueInt64()
	switch {
	case n < 0 || n > MaxTokenExpirationInterval:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Token Expiration Interval", fmt.Sprintf(
			"%s = %d is out of range. Use a number of seconds from 1 to %d (GitLab stores it in a 4-byte integer), "+
				"for example 604800 (7 days), or 0 for tokens that do not expire.", req.Path, n, MaxTokenExpirationInterval))
	case n > 0 && n < DocumentedMinTokenExpirationInterval:
		resp.Diagnostics.AddAttributeWarning(req.Path, "Token Expiration Interval Below GitLab's Documented Minimum", fmt.Sprintf(
			"%s = %d seconds is below %d (2 hours), the minimum GitLab documents. GitLab's API accepts it (only its UI "+
				"enforces the minimum), but runner tokens would expire within %d seconds of their creation or rotation, and "+
				"gitlab-runner rotates its token only when most of its lifetime has passed.", req.Path, n,
			DocumentedMinTokenExpirationInterval, n))
	}
}
