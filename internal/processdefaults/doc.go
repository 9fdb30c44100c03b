// Package processdefaults holds the provider process's runtime settings that
// differ from Go's and the SDK's defaults: no SDK logs unless Terraform shows
// them (logs.go) and a garbage collector tuned for the provider's heap
// (gc.go). main calls Apply first, before providerserver.Serve creates its
// loggers and before the heap grows; the profiling build in
// tools/bench/profprovider calls it too, so that it measures the same
// process.
//
// Both settings yield to the user: TF_LOG, TF_LOG_PROVIDER or an explicit
// per-logger level bring the logs back, and GOGC or GOMEMLIMIT in the
// environment (Terraform passes its own to the provider) leave the garbage
// collector alone.
package processdefaults

import (
	"os"
	"runtime/debug"
)

// Apply applies the defaults to this process. Call it at the very start of
// main.
func Apply() {
	quietLogsUnlessRequested(os.Getenv, os.Setenv)
	tuneGC(os.Getenv, debug.SetMemoryLimit, debug.SetGCPercent)
}
