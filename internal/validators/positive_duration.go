package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// positiveDurationValidator accepts Go duration strings greater than zero.
type positiveDurationValidator struct{}

// PositiveDuration accepts Go duration strings greater than zero, such as
// "168h".
func PositiveDuration() validator.String { return positiveDurationValidator{} }

func (positiveDurationValidator) Description(context.Context) string {
	return `a positive Go duration such as "168h" or "72h30m"`
}

func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return "a positive Go duration such as `168h` or `72h30m`"
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := durationProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s = %q %s. Use a positive Go duration with units h, m or s, such as \"168h\" (7 days) or \"72h30m\".",
				req.Path, req.ConfigValue.ValueString(), problem))
	}
}

func durationProblem(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil {
		return "is not a duration"
	}
	if d <= 0 {
		return "is not positive"
	}
	return ""
}
