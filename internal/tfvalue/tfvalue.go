// Package tfvalue turns GitLab's Go values into Terraform values the one way
// the provider shows them to users, whatever resource or data source they
// appear in: times as RFC 3339 in UTC, "GitLab did not say" as null, lists
// that are never null.
package tfvalue

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TimeLayout is the one time format shown to users (and read back from
// state): RFC 3339, rendered in UTC ("2024-05-01T10:00:00Z").
const TimeLayout = time.RFC3339

// Time renders t in TimeLayout; nil (GitLab did not say) becomes null.
func Time(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(TimeLayout))
}

// StringList turns a Go string slice into a list value, in the same order;
// nil becomes an empty list (GitLab answers [] for "none", never null).
func StringList(values []string) types.List {
	return types.ListValueMust(types.StringType, stringElems(values))
}

// StringSet is StringList for a set.
func StringSet(values []string) types.Set {
	return types.SetValueMust(types.StringType, stringElems(values))
}

func stringElems(values []string) []attr.Value {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return elems
}
