package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// NullElements refuses a set or list with a null element (`["group", null]`,
// `[var.unset]`), which would otherwise pass the plan and fail later, when
// the provider reads the value, with the framework's "Value Conversion
// Error". It is both a validator.Set and a validator.List.
type NullElements struct{ allowed string }

var (
	_ validator.Set  = NullElements{}
	_ validator.List = NullElements{}
)

// NoNullElements refuses a null element in a set or list; allowed says what
// an element may be, for the message.
func NoNullElements(allowed string) NullElements { return NullElements{allowed: allowed} }

func (NullElements) Description(context.Context) string { return "no null elements" }

func (v NullElements) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v NullElements) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(v.check(req.Path, "Set", req.ConfigValue.Elements())...)
}

func (v NullElements) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(v.check(req.Path, "List", req.ConfigValue.Elements())...)
}

// check refuses the first null of elements; kind is "Set" or "List".
func (v NullElements) check(p path.Path, kind string, elements []attr.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, e := range elements {
		if e.IsNull() {
			diags.AddAttributeError(p, "Null Element in "+kind, fmt.Sprintf(
				"%s holds a null element: %s. Remove the null, or compute the %s without it (for example with "+
					"compact()).", p, v.allowed, strings.ToLower(kind)))
			break
		}
	}
	return diags
}
