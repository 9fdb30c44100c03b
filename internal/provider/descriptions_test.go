package provider

import (
	"context"
	"regexp"
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The limits of what `terraform providers schema -json` (and an editor's
// tooltip) shows: an attribute says what it is, its default, its unit and
// one constraint; a resource, data source, list resource or action says what
// it does. The narrative lives on the page templates and in the guides.
const (
	maxAttributeDescription = 400
	maxTypeDescription      = 600
)

// runTogether finds a sentence glued to the next one ("the plan is
// empty.When"), as descriptions assembled from parts can produce.
var runTogether = regexp.MustCompile("[a-z)`][.!?][A-Z][a-z]")

// TestSchemaDescriptionsAreShort reads every schema the provider serves, as
// Terraform gets it (GetProviderSchema: the provider, resources, data sources,
// list resources and actions), and holds each description to the limits.
func TestSchemaDescriptionsAreShort(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	schemas := map[string]*tfprotov6.Schema{"provider": resp.Provider}
	add := func(kind string, m map[string]*tfprotov6.Schema) {
		for name, s := range m {
			schemas[kind+" "+name] = s
		}
	}
	add("resource", resp.ResourceSchemas)
	add("data source", resp.DataSourceSchemas)
	add("list resource", resp.ListResourceSchemas)
	for name, a := range resp.ActionSchemas {
		schemas["action "+name] = a.Schema
	}
	if len(resp.ListResourceSchemas) == 0 || len(resp.ActionSchemas) == 0 {
		t.Fatalf("the schema holds %d list resources and %d actions: the test would miss them", len(resp.ListResourceSchemas), len(resp.ActionSchemas))
	}

	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		block := schemas[name].Block
		if name != "provider" {
			checkDescription(t, name, block.Description, maxTypeDescription)
		}
		checkBlock(t, name, block)
	}
}

func checkBlock(t *testing.T, where string, block *tfprotov6.SchemaBlock) {
	t.Helper()
	for _, a := range block.Attributes {
		checkDescription(t, where+" attribute "+a.Name, a.Description, maxAttributeDescription)
		if a.NestedType != nil {
			for _, na := range a.NestedType.Attributes {
				checkDescription(t, where+" attribute "+a.Name+"."+na.Name, na.Description, maxAttributeDescription)
			}
		}
	}
	for _, nb := range block.BlockTypes {
		checkDescription(t, where+" block "+nb.TypeName, nb.Block.Description, maxAttributeDescription)
		checkBlock(t, where+" block "+nb.TypeName, nb.Block)
	}
}

func checkDescription(t *testing.T, where, description string, limit int) {
	t.Helper()
	if n := utf8.RuneCountInString(description); n > limit {
		t.Errorf("%s: a description of %d characters, over %d; keep what a tooltip needs and move the rest to its page template or a guide",
			where, n, limit)
	}
	if m := runTogether.FindStringIndex(description); m != nil {
		t.Errorf("%s: two sentences run together: %q", where, description[max(0, m[0]-20):min(len(description), m[1]+20)])
	}
}
