package validators

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// regexpValidator accepts a regular expression in Go's syntax (RE2).
type regexpValidator struct{}

// Regexp checks at plan time that a string is a regular expression Go can
// compile (RE2 syntax: no backreferences or lookaround; matching takes
// linear time).
func Regexp() validator.String { return regexpValidator{} }

func (regexpValidator) Description(context.Context) string {
	return "a regular expression in RE2 syntax"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			fmt.Sprintf("%s = %q is not a regular expression in RE2 syntax (Go's regexp: no backreferences or lookaround): %s.",
				req.Path, req.ConfigValue.ValueString(), err))
	}
}
