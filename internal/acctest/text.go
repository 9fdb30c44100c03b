package acctest

import (
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Words turns a phrase into a regexp for ExpectError that tolerates
// Terraform's line wrapping.
func Words(phrase string) *regexp.Regexp {
	parts := strings.Fields(phrase)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

// ErrorWith is a regexp for ExpectError: an error with that summary whose
// detail says detail (Terraform prints the resource between them).
func ErrorWith(summary, detail string) *regexp.Regexp {
	return regexp.MustCompile(Words("Error: "+summary).String() + `.*` + strings.TrimPrefix(Words(detail).String(), "(?s)"))
}

// DiagText flattens diagnostics into one string for assertions: a line each
// with the severity, the attribute path of attribute diagnostics, the
// summary and the detail.
func DiagText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Severity().String())
		b.WriteString(": ")
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
