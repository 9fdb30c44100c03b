package tfvalue

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// HCLString quotes s as an HCL string literal that a user can paste into a
// configuration: quotes, backslashes and control characters escaped, and
// "${" and "%{" doubled so that they are not read as templates.
func HCLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// HCLLiteral writes a known value of the kinds runner attributes have
// (string, bool, number, null, and sets and lists of them) as HCL a user can
// paste into a configuration; set elements in sorted order.
func HCLLiteral(ctx context.Context, v attr.Value) (string, error) {
	tv, err := v.ToTerraformValue(ctx)
	if err != nil {
		return "", err
	}
	return hclOf(tv)
}

func hclOf(v tftypes.Value) (string, error) {
	if !v.IsKnown() {
		return "", fmt.Errorf("the value is not known yet")
	}
	if v.IsNull() {
		return "null", nil
	}
	switch typ := v.Type(); {
	case typ.Is(tftypes.String):
		var s string
		err := v.As(&s)
		return HCLString(s), err
	case typ.Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return fmt.Sprint(b), err
	case typ.Is(tftypes.Number):
		n := new(big.Float)
		err := v.As(&n)
		return n.Text('f', -1), err
	case typ.Is(tftypes.Set{}) || typ.Is(tftypes.List{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return "", err
		}
		out := make([]string, 0, len(elems))
		for _, e := range elems {
			s, err := hclOf(e)
			if err != nil {
				return "", err
			}
			out = append(out, s)
		}
		if typ.Is(tftypes.Set{}) {
			sort.Strings(out)
		}
		return "[" + strings.Join(out, ", ") + "]", nil
	default:
		return "", fmt.Errorf("no HCL literal for a value of type %s", typ)
	}
}
