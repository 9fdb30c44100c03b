package validators

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// maxCharsValidator limits a string to max characters.
type maxCharsValidator struct{ max int }

// MaxChars limits a string to limit characters, counted as GitLab counts its
// text limits: in characters, not bytes.
func MaxChars(limit int) validator.String { return maxCharsValidator{max: limit} }

func (v maxCharsValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d characters", v.max)
}

func (v maxCharsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v maxCharsValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := utf8.RuneCountInString(req.ConfigValue.ValueString()); n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Value Too Long",
			fmt.Sprintf("%s is %d characters long; GitLab allows at most %d. Shorten it.", req.Path, n, v.max))
	}
}
