package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// noNullElementsValidator refuses a set with a null element.
type noNullElementsValidator struct{ allowed string }

// NoNullElements refuses a null element in a set (`["group", null]`), which
// would otherwise pass the plan and fail the apply when the provider reads
// the set. allowed says what an element may be, for the message.
func NoNullElements(allowed string) validator.Set { return noNullElementsValidator{allowed: allowed} }

func (noNullElementsValidator) Description(context.Context) string { return "no null elements" }

func (v noNullElementsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v noNullElementsValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, e := range req.ConfigValue.Elements() {
		if e.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path, "Null Element in Set", fmt.Sprintf(
				"%s holds a null element: %s. Remove the null, or compute the set without it (for example with "+
					"compact()).", req.Path, v.allowed))
			return
		}
	}
}
