package validators

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

const (
	// MaxTagLength is GitLab's limit for a tag name, in characters
	// (Ci::Tag's model rule; the runner endpoints insert tags without
	// checking it, so only a plan-time check catches it).
	MaxTagLength = 255
	// MaxTags is how many tags a runner may have ("Too many tags specified.
	// Please limit the number of tags to 50"), counted after GitLab strips
	// spaces and drops duplicates; tag_list can hold neither.
	MaxTags = 50
)

// runnerTagValidator checks one tag of tag_list. GitLab splits tag lists on
// commas and strips spaces, so such tags would come back different from the
// configuration and cause a perpetual diff; an empty tag is dropped the same way.
type runnerTagValidator struct{}

// RunnerTag checks each tag of a runner's tag list.
func RunnerTag() validator.String { return runnerTagValidator{} }

func (runnerTagValidator) Description(context.Context) string {
	return fmt.Sprintf("each tag must be non-empty, at most %d characters, contain no comma and no NUL character, and have no "+
		"leading or trailing spaces", MaxTagLength)
}

func (v runnerTagValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (runnerTagValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	tag := req.ConfigValue.ValueString()
	if problem := runnerTagProblem(tag); problem != "" {
		shown := tag
		if utf8.RuneCountInString(shown) > 60 {
			shown = string([]rune(shown)[:60]) + "…"
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Runner Tag",
			fmt.Sprintf("tag_list contains %q: %s. Each tag must be a non-empty string of at most %d characters, without "+
				"commas or NUL characters and without leading or trailing spaces.", shown, problem, MaxTagLength))
	}
}

// runnerTagProblem returns why tag is not acceptable, or "".
func runnerTagProblem(tag string) string {
	switch n := utf8.RuneCountInString(tag); {
	case tag == "":
		return "a tag cannot be empty"
	case strings.TrimSpace(tag) == "":
		return "a tag cannot consist of spaces only"
	case strings.Contains(tag, ","):
		return "a tag cannot contain a comma (GitLab would split it into several tags)"
	case strings.TrimSpace(tag) != tag:
		return "a tag cannot start or end with spaces (GitLab strips them)"
	case strings.ContainsRune(tag, 0):
		return "a tag cannot contain a NUL character (GitLab's database refuses it)"
	case n > MaxTagLength:
		return fmt.Sprintf("it is %d characters long; GitLab allows at most %d", n, MaxTagLength)
	}
	return ""
}
