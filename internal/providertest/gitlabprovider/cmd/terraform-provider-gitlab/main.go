// Command terraform-provider-gitlab serves the test-only stand-in for GitLab's
// provider (package gitlabprovider, its newest release line) as a plugin
// binary, for tests that install it the way users install providers: from a
// filesystem mirror, with `terraform init`. It is never shipped.
package main

import (
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest/gitlabprovider"
)

func main() {
	factory := gitlabprovider.Factory(gitlabprovider.Releases[len(gitlabprovider.Releases)-1])
	server, err := factory()
	if err != nil {
		log.Fatal(err)
	}
	if err := tf6server.Serve("registry.terraform.io/gitlabhq/gitlab", func() tfprotov6.ProviderServer { return server }); err != nil {
		log.Fatal(err)
	}
}
