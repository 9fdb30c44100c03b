package tfvalue

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestHCLLiteral(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		v    attr.Value
		want string
	}{
		{types.StringValue(`build "fleet" \ ${env} %{if} 100%`), `"build \"fleet\" \\ $${env} %%{if} 100%"`},
		{types.StringValue("two\nlines\tand\x01"), `"two\nlines\tand\u0001"`},
		{types.StringValue(""), `""`},
		{types.BoolValue(true), `true`},
		{Int64From(7200), `7200`},
		{Int64Null(), `null`},
		{StringSetFrom([]string{"linux", "docker"}), `["docker", "linux"]`},
		{StringSetFrom(nil), `[]`},
		{StringList([]string{"b", "a"}), `["b", "a"]`},
	} {
		got, err := HCLLiteral(ctx, tc.v)
		if err != nil || got != tc.want {
			t.Errorf("HCLLiteral(%v) = %s, %v; want %s", tc.v, got, err, tc.want)
		}
	}
	if _, err := HCLLiteral(ctx, types.StringUnknown()); err == nil {
		t.Error("an unknown value has no literal")
	}
}
