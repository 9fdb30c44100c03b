// Package providertest serves the whole provider to Terraform in acceptance
// tests (terraform-plugin-testing's ProtoV6ProviderFactories). It imports
// internal/provider, which imports every resource and data source, so only
// external test packages (package <name>_test) may use it; tests inside a
// package use internal/acctest, which does not import the provider.
package providertest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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

// Reattach serves the provider in this process, built with opts, to a
// Terraform binary the test runs itself (for commands terraform-plugin-testing
// cannot run, such as `terraform query -generate-config-out`), and returns
// the value of TF_REATTACH_PROVIDERS that makes Terraform use it instead of
// installing one, under the addresses gitlabrunner/gitlabrunner and
// hashicorp/gitlabrunner of both registries. The test's cleanup stops it.
func Reattach(t *testing.T, opts provider.Options) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve("registry.terraform.io/gitlabrunner/gitlabrunner",
			providerserver.NewProtocol6(provider.NewWithOptions("test", opts)()),
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t))
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-configCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("providertest: serving the provider: %v", err)
	case <-time.After(time.Minute):
		cancel()
		t.Fatal("providertest: the provider server did not start within a minute")
	}
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})
	entry := map[string]any{
		"Protocol":        string(cfg.Protocol),
		"ProtocolVersion": cfg.ProtocolVersion,
		"Pid":             cfg.Pid,
		"Test":            cfg.Test,
		"Addr":            map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}
	reattach := map[string]any{}
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		for _, namespace := range []string{"gitlabrunner", "hashicorp"} {
			reattach[host+"/"+namespace+"/gitlabrunner"] = entry
		}
	}
	out, err := json.Marshal(reattach)
	if err != nil {
		t.Fatalf("providertest: %v", err)
	}
	return string(out)
}
