package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// noNULValidator refuses the NUL character.
type noNULValidator struct{}

// NoNUL refuses text with a NUL character: PostgreSQL cannot store it (GitLab
// answers 500 for a JSON body holding one) and GitLab refuses it in query
// strings and forms (400).
func NoNUL() validator.String { return noNULValidator{} }

func (noNULValidator) Description(context.Context) string { return "no NUL character" }

func (v noNULValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (noNULValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if i := strings.IndexByte(req.ConfigValue.ValueString(), 0); i >= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "NUL Character Not Allowed",
			fmt.Sprintf("%s contains a NUL character (\\u0000) at byte %d; GitLab cannot store it. Remove it.", req.Path, i))
	}
}
