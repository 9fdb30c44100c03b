// Command terraform-provider-gitlabrunner serves the gitlabrunner provider to
// Terraform and OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/processdefaults"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
)

// version is set at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-name gitlabrunner

func main() {
	// First: the SDK reads its log levels when Serve creates its loggers.
	processdefaults.Apply()

	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/gitlabrunner/gitlabrunner",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}
