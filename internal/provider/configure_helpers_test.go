package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
)

// configureProvider configures the provider through the protocol, as
// Terraform does, with the given provider-block values (string or bool; the
// rest null), and returns its diagnostics. Tests use it where they must look
// at a warning, which terraform-plugin-testing cannot assert.
func configureProvider(t *testing.T, values map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := t.Context()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || schema.Provider == nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	typ := schema.Provider.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range values {
		vals[name] = tftypes.NewValue(typ.AttributeTypes[name], v)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &dv, TerraformVersion: "1.5.7"})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}
