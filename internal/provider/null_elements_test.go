package provider

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestNullElementsRefusedAtValidation: every list or set attribute a user
// sets, in every resource, data source, list resource and action, refuses a
// null element (`tag_list = [var.unset]`) when Terraform validates the
// configuration, with an error that names the attribute. Without the check
// the null passed the plan and failed later with the framework's "Value
// Conversion Error". The attributes come from the schemas, so a new one is
// covered without an edit here.
func TestNullElementsRefusedAtValidation(t *testing.T) {
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	type validate func(*tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error)
	kinds := map[string]struct {
		schemas  map[string]*tfprotov6.Schema
		validate func(name string) validate
	}{
		"resource": {schemas.ResourceSchemas, func(name string) validate {
			return func(c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
				r, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: name, Config: c})
				return r.Diagnostics, err
			}
		}},
		"data source": {schemas.DataSourceSchemas, func(name string) validate {
			return func(c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
				r, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: c})
				return r.Diagnostics, err
			}
		}},
		"list resource": {schemas.ListResourceSchemas, func(name string) validate {
			return func(c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
				r, err := server.(tfprotov6.ListResourceServer).ValidateListResourceConfig(ctx,
					&tfprotov6.ValidateListResourceConfigRequest{TypeName: name, Config: c})
				return r.Diagnostics, err
			}
		}},
		"action": {actionSchemas(schemas.ActionSchemas), func(name string) validate {
			return func(c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
				r, err := server.(tfprotov6.ActionServer).ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: name, Config: c})
				return r.Diagnostics, err
			}
		}},
	}
	checked := 0
	for kind, k := range kinds {
		for name, schema := range k.schemas {
			for _, attr := range collectionAttributes(schema) {
				checked++
				t.Run(kind+" "+name+" "+attr, func(t *testing.T) {
					config, err := tfprotov6.NewDynamicValue(schema.ValueType(), withNullElement(t, schema, attr))
					if err != nil {
						t.Fatal(err)
					}
					diags, err := k.validate(name)(&config)
					if err != nil {
						t.Fatal(err)
					}
					var text []string
					for _, d := range diags {
						text = append(text, d.Summary+": "+d.Detail)
					}
					if !strings.Contains(strings.Join(text, "\n"), attr+" holds a null element") {
						t.Errorf("%s = [null]: want the error that names %s, got %q", attr, attr, text)
					}
				})
			}
		}
	}
	if checked < 4 {
		t.Fatalf("found %d list or set attributes that users set: the schemas have more", checked)
	}
}

func actionSchemas(m map[string]*tfprotov6.ActionSchema) map[string]*tfprotov6.Schema {
	out := map[string]*tfprotov6.Schema{}
	for name, a := range m {
		out[name] = a.Schema
	}
	return out
}

// collectionAttributes are the top-level list and set attributes of schema
// that a configuration sets (required or optional), sorted.
func collectionAttributes(schema *tfprotov6.Schema) []string {
	var names []string
	for _, a := range schema.Block.Attributes {
		if !a.Required && !a.Optional {
			continue
		}
		switch a.Type.(type) {
		case tftypes.List, tftypes.Set:
			names = append(names, a.Name)
		}
	}
	sort.Strings(names)
	return names
}

// withNullElement is the object of schema's type with attr holding one null
// element and every other attribute (and block) null.
func withNullElement(t *testing.T, schema *tfprotov6.Schema, attr string) tftypes.Value {
	t.Helper()
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("the schema's type is %T, want an object", schema.ValueType())
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	switch c := typ.AttributeTypes[attr].(type) {
	case tftypes.List:
		values[attr] = tftypes.NewValue(c, []tftypes.Value{tftypes.NewValue(c.ElementType, nil)})
	case tftypes.Set:
		values[attr] = tftypes.NewValue(c, []tftypes.Value{tftypes.NewValue(c.ElementType, nil)})
	}
	return tftypes.NewValue(typ, values)
}
