package userrunner_test

// Plan time stays linear in the number of tags. The framework's set type
// compares every pair of elements on every read of the attribute: 10,000
// tags took 263 s to plan (3,000 took 17 s). The resource's tag_list uses
// tfvalue.StringSetType, whose check is one pass. How long the validation
// takes is BenchmarkValidateTenThousandTags's, in `make bench`; the test
// checks what it answers.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// TestValidateTenThousandTags sends the resource's configuration with 50
// and with 10,000 tags to the provider server, as Terraform's validation
// does: the first passes, the second is refused with one error (GitLab
// allows 50).
func TestValidateTenThousandTags(t *testing.T) {
	validate := tagValidation(t)
	for _, n := range []int{50, 10_000} {
		errs := validate(n)
		switch {
		case n <= 50 && len(errs) > 0:
			t.Errorf("%d tags: unexpected errors %v", n, errs)
		case n > 50 && (len(errs) != 1 || !strings.Contains(errs[0], fmt.Sprintf("tag_list has %d tags; GitLab allows at most 50", n))):
			t.Errorf("%d tags: want one error about the number of tags, got %v", n, errs)
		}
	}
}

// BenchmarkValidateTenThousandTags: the provider server's validation of a
// configuration with 10,000 tags.
func BenchmarkValidateTenThousandTags(b *testing.B) {
	validate := tagValidation(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if errs := validate(10_000); len(errs) != 1 {
			b.Fatal(errs)
		}
	}
}

// tagValidation returns a function that validates the resource's
// configuration with n tags through the provider server and returns the
// errors.
func tagValidation(tb testing.TB) func(n int) []string {
	tb.Helper()
	ctx := context.Background()
	server, err := providertest.Factories(time.Now)["gitlabrunner"]()
	if err != nil {
		tb.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	typ := schemas.ResourceSchemas[userRunnerType].ValueType().(tftypes.Object)
	return func(n int) []string {
		values := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			values[name] = tftypes.NewValue(at, nil)
		}
		values["runner_type"] = tftypes.NewValue(tftypes.String, "instance_type")
		elems := make([]tftypes.Value, n)
		for i := range elems {
			elems[i] = tftypes.NewValue(tftypes.String, fmt.Sprintf("tag-%05d", i))
		}
		values["tag_list"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
		config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
		if err != nil {
			tb.Fatal(err)
		}
		resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: userRunnerType, Config: &config})
		if err != nil {
			tb.Fatal(err)
		}
		var errs []string
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				errs = append(errs, d.Summary+": "+d.Detail)
			}
		}
		return errs
	}
}
