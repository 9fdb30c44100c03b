package tfvalue

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

type schemaOnly struct {
	resource.Resource
	calls *int
}

func (r schemaOnly) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	*r.calls++
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
}

// TestSchemaType: the type of the resource's schema, asked of the resource
// once.
func TestSchemaType(t *testing.T) {
	calls := 0
	r := schemaOnly{calls: &calls}
	typ := SchemaType(r)
	resp := &resource.SchemaResponse{}
	r.Schema(context.Background(), resource.SchemaRequest{}, resp)
	for range 2 { // the second call answers from what the first built
		if got := typ(); !got.Equal(resp.Schema.Type()) {
			t.Errorf("SchemaType = %s, want %s", got, resp.Schema.Type())
		}
	}
	if calls != 2 {
		t.Errorf("Schema called %d times (one of them the test's), want 2: the type is built once", calls)
	}
}
