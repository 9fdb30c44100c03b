package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// diagText flattens diagnostics into one string for assertions, including
// the attribute path of attribute diagnostics.
func diagText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			b.WriteString(wp.Path().String())
			b.WriteString(": ")
		}
		b.WriteString(d.Summary())
		b.WriteString(": ")
		b.WriteString(d.Detail())
		b.WriteString("\n")
	}
	return b.String()
}
