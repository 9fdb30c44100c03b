// Package providertest serves the whole provider to Terraform in acceptance
// tests (terraform-plugin-testing's ProtoV6ProviderFactories). It imports
// internal/provider, which imports every resource and data source, so only
// external test packages (package <name>_test) may use it; tests inside a
// package use internal/acctest, which does not import the provider.
package providertest

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
)

// Factories serves the provider in-process to the Terraform binary that
// terraform-plugin-testing runs. now is the provider's clock: pass the mock
// coordinator's clock so that expiry tests are deterministic.
func Factories(now func() time.Time) map[string]func() (tfprotov6.ProviderServer, error) {
	return FactoriesWithOptions(provider.Options{Clock: now})
}

// FactoriesWithClient is Factories with the client settings changed by
// adjust before the client is built (for example a short request timeout).
func FactoriesWithClient(now func() time.Time, adjust func(*gitlabapi.Config)) map[string]func() (tfprotov6.ProviderServer, error) {
	return FactoriesWithOptions(provider.Options{Clock: now, AdjustClient: adjust})
}

// FactoriesWithOptions serves the provider built with opts.
func FactoriesWithOptions(opts provider.Options) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"gitlabrunner": providerserver.NewProtocol6WithError(provider.NewWithOptions("test", opts)()),
	}
}
