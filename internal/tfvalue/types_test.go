package tfvalue

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Numbers that are not 64-bit integers are read without error and reported
// by the value's validation, on the attribute, in words.
func TestInt64TypeReadsAnyNumber(t *testing.T) {
	ctx := context.Background()
	big := func(s string) tftypes.Value {
		f, _, err := new(big.Float).SetPrec(512).Parse(s, 10)
		if err != nil {
			t.Fatal(err)
		}
		return tftypes.NewValue(tftypes.Number, f)
	}
	cases := map[string]string{ // number -> error ("" = valid)
		"42":                   "",
		"-7":                   "",
		"9223372036854775807":  "",
		"9223372036854775808":  "project_id = 9223372036854775808 is too large: the largest whole number allowed here is 9223372036854775807.",
		"99999999999999999999": "project_id = 99999999999999999999 is too large",
		"-9223372036854775809": "is too small",
		"1.5":                  "project_id = 1.5 is not a whole number.",
		"1e30":                 "project_id = 1000000000000000000000000000000 is too large",
	}
	for in, want := range cases {
		v, err := Int64Type{}.ValueFromTerraform(ctx, big(in))
		if err != nil {
			t.Fatalf("%s: ValueFromTerraform failed: %v", in, err)
		}
		resp := &xattr.ValidateAttributeResponse{}
		v.(Int64Value).ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: path.Root("project_id")}, resp)
		text := ""
		for _, d := range resp.Diagnostics {
			text += d.Detail()
		}
		if want == "" {
			if text != "" || v.(Int64Value).ValueInt64() == 0 {
				t.Errorf("%s: want a valid value, got %v %q", in, v, text)
			}
			continue
		}
		if !strings.Contains(text, want) || strings.Contains(text, "big.Float") {
			t.Errorf("%s: error %q, want %q", in, text, want)
		}
		// The value goes back to Terraform as written.
		tv, err := v.ToTerraformValue(ctx)
		if err != nil || !tv.Equal(big(in)) {
			t.Errorf("%s: ToTerraformValue = %v, %v", in, tv, err)
		}
	}
	for _, v := range []tftypes.Value{tftypes.NewValue(tftypes.Number, nil), tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)} {
		got, err := Int64Type{}.ValueFromTerraform(ctx, v)
		if err != nil || (!got.IsNull() && !got.IsUnknown()) {
			t.Errorf("%v: got %v, %v", v, got, err)
		}
	}
}

// The set's validation is linear: 200,000 strings in well under a second
// (the framework's pairwise comparison needs minutes for 10,000).
func TestStringSetValidateIsLinear(t *testing.T) {
	elems := make([]tftypes.Value, 200_000)
	for i := range elems {
		elems[i] = tftypes.NewValue(tftypes.String, fmt.Sprintf("tag-%d", i))
	}
	set := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
	start := time.Now()
	diags := NewStringSetType().Validate(context.Background(), set, path.Root("tag_list"))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("validating 200,000 tags took %v", d)
	}
	if diags.HasError() {
		t.Errorf("unexpected errors: %v", diags)
	}
	// Duplicates are still found (Terraform never sends them; a provider bug might).
	dup := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{
		tftypes.NewValue(tftypes.String, "a"), tftypes.NewValue(tftypes.String, "b"), tftypes.NewValue(tftypes.String, "a")})
	if diags := NewStringSetType().Validate(context.Background(), dup, path.Root("tag_list")); !diags.HasError() {
		t.Error("a duplicate was not reported")
	}
}
