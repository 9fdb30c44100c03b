package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// tagCountValidator limits the number of tags of a runner.
type tagCountValidator struct{}

// TagCount refuses more than MaxTags tags, as GitLab does.
func TagCount() validator.Set { return tagCountValidator{} }

func (tagCountValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d tags", MaxTags)
}

func (v tagCountValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagCountValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := len(req.ConfigValue.Elements()); n > MaxTags {
		resp.Diagnostics.AddAttributeError(req.Path, "Too Many Tags",
			fmt.Sprintf("%s has %d tags; GitLab allows at most %d per runner (\"Too many tags specified. Please limit the number "+
				"of tags to %d\"). Remove %d.", req.Path, n, MaxTags, MaxTags, n-MaxTags))
	}
}
