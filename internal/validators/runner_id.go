package validators

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// runnerIDValidator checks a runner id given as a string.
type runnerIDValidator struct{}

// RunnerID checks at plan time a runner id given as a string, by the rule
// import and Read apply (ParseRunnerID).
func RunnerID() validator.String { return runnerIDValidator{} }

func (runnerIDValidator) Description(context.Context) string {
	return `a runner id: a positive whole number such as "42"`
}

func (v runnerIDValidator) MarkdownDescription(context.Context) string {
	return "a runner id: a positive whole number such as `42`"
}

func (runnerIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := ParseRunnerID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Runner ID", InvalidRunnerID(req.Path, req.ConfigValue.ValueString(), err))
	}
}

// InvalidRunnerID says why value, given for the attribute at p, is not a
// runner id.
func InvalidRunnerID(p path.Path, value string, err error) string {
	return fmt.Sprintf("%s must be a positive whole number, the id of a runner such as \"42\"; %q is not (%s).", p, value, err)
}

// ParseRunnerID parses a runner id as Terraform holds it: a positive decimal
// string (surrounding spaces allowed). Its error says what is wrong.
func ParseRunnerID(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("it is empty")
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("runner ids are positive")
	}
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("it is larger than the largest runner id, %d", int64(math.MaxInt64))
	}
	if err != nil {
		return 0, fmt.Errorf("it is not a whole number")
	}
	if id <= 0 {
		return 0, fmt.Errorf("runner ids are positive")
	}
	return id, nil
}
