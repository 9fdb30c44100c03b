package userrunner_test

// Plan time stays linear in the number of tags. The framework's set type
// compares every pair of elements on every read of the attribute: 10,000
// tags took 263 s to plan (3,000 took 17 s). The resource's tag_list uses
// tfvalue.StringSetType, whose check is one pass.

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

// TestValidateTenThousandTagsInSeconds sends the resource's configuration
// with 10,000 tags to the provider server, as Terraform's validation does,
// and wants the refusal (GitLab allows 50) within seconds.
func TestValidateTenThousandTagsInSeconds(t *testing.T) {
	ctx := context.Background()
	server, err := providertest.Factories(time.Now)["gitlabrunner"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.ResourceSchemas[userRunnerType].ValueType().(tftypes.Object)
	config := func(tags int) *tfprotov6.DynamicValue {
		values := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			values[name] = tftypes.NewValue(at, nil)
		}
		values["runner_type"] = tftypes.NewValue(tftypes.String, "instance_type")
		elems := make([]tftypes.Value, tags)
		for i := range elems {
			elems[i] = tftypes.NewValue(tftypes.String, fmt.Sprintf("tag-%05d", i))
		}
		values["tag_list"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
		dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	for _, n := range []int{50, 10_000} {
		start := time.Now()
		resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: userRunnerType, Config: config(n)})
		elapsed := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				errs = append(errs, d.Summary+": "+d.Detail)
			}
		}
		switch {
		case n <= 50 && len(errs) > 0:
			t.Errorf("%d tags: unexpected errors %v", n, errs)
		case n > 50 && (len(errs) != 1 || !strings.Contains(errs[0], fmt.Sprintf("tag_list has %d tags; GitLab allows at most 50", n))):
			t.Errorf("%d tags: want one error about the number of tags, got %v", n, errs)
		}
		if elapsed > 10*time.Second {
			t.Errorf("validating %d tags took %v; it must take seconds at most", n, elapsed)
		}
		t.Logf("%d tags validated in %v", n, elapsed.Round(time.Millisecond))
	}
}
