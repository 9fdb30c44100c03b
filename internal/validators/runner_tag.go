package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// runnerTagValidator checks one tag of tag_list. GitLab splits tag lists on
// commas and strips spaces, so such tags would come back different from the
// configuration and cause a perpetual diff; an empty tag is dropped the same way.
type runnerTagValidator struct{}

// RunnerTag checks each tag of a runner's tag list.
func RunnerTag() validator.String { return runnerTagValidator{} }

func (runnerTagValidator) Description(context.Context) string {
	return "each tag must be non-empty, contain no comma and have no leading or trailing spaces"
}

func (v runnerTagValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (runnerTagValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := runnerTagProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Runner Tag",
			fmt.Sprintf("tag_list contains %q: %s. Each tag must be a non-empty string without commas and without leading or trailing spaces.",
				req.ConfigValue.ValueString(), problem))
	}
}

// runnerTagProblem returns why tag is not acceptable, or "".
func runnerTagProblem(tag string) string {
	switch {
	case tag == "":
		return "a tag cannot be empty"
	case strings.TrimSpace(tag) == "":
		return "a tag cannot consist of spaces only"
	case strings.Contains(tag, ","):
		return "a tag cannot contain a comma (GitLab would split it into several tags)"
	case strings.TrimSpace(tag) != tag:
		return "a tag cannot start or end with spaces (GitLab strips them)"
	}
	return ""
}
