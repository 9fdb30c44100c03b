package provider

// Helpers shared by the three data sources (registration policy, runner, runners).
// Names carry a "ds" prefix so they cannot collide with the resource's helpers in
// the same package.

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// dsReadConfig reads the data source's configuration into model and checks
// that the provider has a GitLab client; false when Read must stop (the
// diagnostics say why).
func dsReadConfig(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, data *ProviderData, model any) bool {
	resp.Diagnostics.Append(req.Config.Get(ctx, model)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	return data.ready(&resp.Diagnostics)
}

// dsComputedString is a computed string attribute described by md.
func dsComputedString(md string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: md}
}

// dsComputedBool is a computed bool attribute described by md.
func dsComputedBool(md string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: md}
}

// timeValue is the one way a time is shown to users: RFC 3339 in UTC
// ("2024-05-01T10:00:00Z"); nil (GitLab did not say) becomes null.
func timeValue(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// dsStringList turns a Go string slice into a list value; nil becomes an empty list
// (GitLab answers [] for "no tags", never null).
func dsStringList(values []string) types.List {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.ListValueMust(types.StringType, elems)
}

// dsOptionalInt64 renders an optional integer; nil becomes null.
func dsOptionalInt64(v *int64) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*v)
}
