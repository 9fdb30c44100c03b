// Command terraform-provider-vault serves the test-only stand-in for
// HashiCorp's Vault provider (package vaultprovider) as a plugin binary, for
// tests that install it beside this provider from a filesystem mirror. It is
// never shipped.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest/vaultprovider"
)

func main() {
	err := providerserver.Serve(context.Background(), vaultprovider.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/hashicorp/vault",
	})
	if err != nil {
		log.Fatal(err)
	}
}
