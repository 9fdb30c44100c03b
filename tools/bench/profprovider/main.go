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
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/processdefaults"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
)

func main() {
	dir := os.Getenv("BENCH_PROFILE_DIR")
	if dir == "" {
		log.Fatal("BENCH_PROFILE_DIR is not set: this binary is only for tools/bench -profile")
	}
	// The same process settings as the real provider (main.go).
	processdefaults.Apply()
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.prof", kind, os.Getpid())) }
	cpu, err := os.Create(name("cpu"))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Fatal(err)
	}

	stopWatch := watchPeak(name)

	err = providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address:         "registry.terraform.io/gitlabrunner/gitlabrunner",
		ProtocolVersion: 6,
	})

	stopWatch()
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

// watchPeak samples the heap every 50 ms and, whenever the heap in use grows
// by a tenth over the last peak, writes the heap profile to heap-peak-<pid>.prof
// (objects live at the last GC, with their allocation sites) and the figures
// (heap in use, the most a GC found live, goroutines) to peak-<pid>.txt: what
// the high-water mark of RSS is made of, and how much of it a memory limit
// must leave to the live heap.
func watchPeak(name func(string) string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var peak, livePeak uint64
		maxG := 0
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var ms runtime.MemStats
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&ms)
			metrics.Read(live)
			if v := live[0].Value; v.Kind() == metrics.KindUint64 && v.Uint64() > livePeak {
				livePeak = v.Uint64()
			}
			g := runtime.NumGoroutine()
			if g > maxG {
				maxG = g
			}
			if ms.HeapInuse > peak+peak/10 {
				peak = ms.HeapInuse
				if f, err := os.Create(name("heap-peak")); err == nil {
					_ = pprof.Lookup("heap").WriteTo(f, 0)
					_ = f.Close()
				}
			}
			_ = os.WriteFile(name("peak")[:len(name("peak"))-len(".prof")]+".txt", []byte(fmt.Sprintf(
				"heap in use peak %d KiB, live heap peak (marked by a GC) %d KiB, heap sys %d KiB, stacks %d KiB, runtime sys %d KiB, goroutines max %d, GC cycles %d\n",
				peak/1024, livePeak/1024, ms.HeapSys/1024, ms.StackSys/1024, ms.Sys/1024, maxG, ms.NumGC)), 0o644)
		}
	}()
	return func() { close(done); <-finished }
}
