package tfvalue

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

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

// The set's validation takes 200,000 distinct strings without an error and
// still finds a duplicate. That it is linear (the framework's pairwise
// comparison needs minutes for 10,000) is BenchmarkStringSetValidate's, in
// `make bench`.
func TestStringSetValidate(t *testing.T) {
	diags := NewStringSetType().Validate(context.Background(), manyTags(200_000), path.Root("tag_list"))
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

// manyTags is a set of n distinct strings.
func manyTags(n int) tftypes.Value {
	elems := make([]tftypes.Value, n)
	for i := range elems {
		elems[i] = tftypes.NewValue(tftypes.String, fmt.Sprintf("tag-%d", i))
	}
	return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
}

// BenchmarkStringSetValidate: the validation of 200,000 tags, linear in
// their number (`make bench` holds it to a target).
func BenchmarkStringSetValidate(b *testing.B) {
	set := manyTags(200_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if diags := NewStringSetType().Validate(context.Background(), set, path.Root("tag_list")); diags.HasError() {
			b.Fatal(diags)
		}
	}
}
