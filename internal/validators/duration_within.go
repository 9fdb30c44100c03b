package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// durationWithinValidator accepts Go durations d with above < d <= atMost.
type durationWithinValidator struct {
	above, atMost time.Duration
	why           string
}

// DurationWithin accepts Go duration strings longer than above and at most
// atMost; why says whose limits they are (it ends the error message).
func DurationWithin(above, atMost time.Duration, why string) validator.String {
	return durationWithinValidator{above: above, atMost: atMost, why: why}
}

func (v durationWithinValidator) Description(context.Context) string {
	return fmt.Sprintf("a Go duration longer than %s and at most %s", v.above, v.atMost)
}

func (v durationWithinValidator) MarkdownDescription(ctx context.Context) string {
	return fmt.Sprintf("a Go duration longer than `%s` and at most `%s`", v.above, v.atMost)
}

func (v durationWithinValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	problem := durationProblem(s)
	if problem == "" {
		switch d, _ := time.ParseDuration(s); {
		case d <= v.above:
			problem = "is too short"
		case d > v.atMost:
			problem = "is too long"
		}
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s = %q %s: use a Go duration with units h, m or s longer than %s and at most %s, such as \"72h\". %s",
				req.Path, s, problem, v.above, v.atMost, v.why))
	}
}
