// Command profprovider is the provider with profiling, for `tools/bench
// -profile`: the same server as the repository's main.go, plus a CPU profile
// of the whole process life and, at exit, the heap (in use at the last
// garbage collection) and allocation profiles, written to
// $BENCH_PROFILE_DIR/{cpu,heap,allocs}-<pid>.prof. Terraform starts one
// process per graph walk, so a command leaves several sets; `go tool pprof`
// merges them when given several files.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
)

func main() {
	dir := os.Getenv("BENCH_PROFILE_DIR")
	if dir == "" {
		log.Fatal("BENCH_PROFILE_DIR is not set: this binary is only for tools/bench -profile")
	}
	// As the real provider does (log_defaults.go): no SDK logs unless
	// Terraform shows them.
	if os.Getenv("TF_LOG") == "" && os.Getenv("TF_LOG_PROVIDER") == "" {
		for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_GITLABRUNNER"} {
			if os.Getenv(v) == "" {
				_ = os.Setenv(v, "OFF")
			}
		}
	}
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.prof", kind, os.Getpid())) }
	cpu, err := os.Create(name("cpu"))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Fatal(err)
	}

	err = providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address:         "registry.terraform.io/gitlabrunner/gitlabrunner",
		ProtocolVersion: 6,
	})

	pprof.StopCPUProfile()
	_ = cpu.Close()
	for _, kind := range []string{"heap", "allocs"} {
		if f, ferr := os.Create(name(kind)); ferr == nil {
			_ = pprof.Lookup(kind).WriteTo(f, 0)
			_ = f.Close()
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}
