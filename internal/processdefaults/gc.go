package processdefaults

// The garbage collector, unless the user tunes it: a soft memory limit of
// 64 MiB, and GOGC 400 below it.
//
// The provider's live heap is small (about 15–35 MB while Terraform sends it
// ten resources at a time) but it allocates quickly: the framework re-walks
// the schema for every attribute, 1.5–2.3 MB per runner and phase. With Go's
// defaults alone the heap doubles between collections (about 90 MB RSS at
// 500 runners, `make bench`, BENCHMARKS.md), and at 100 runners the collector
// ran every few MB and took a quarter of the provider's CPU. The soft limit
// keeps the peak under 80 MB RSS; below it GOGC 400 lets the heap grow to
// five times what is live before collecting, so a process of a small fleet
// collects a few times instead of dozens (provider CPU per runner at N = 100
// about 20–25 % lower than with GOGC 100; its RSS 60–78 MB instead of about
// 44 MB). At 500 runners the limit, not GOGC, decides when to collect, as
// before. If the live heap ever exceeded the limit, Go caps the collector at
// about half the CPU rather than failing. GOGC or GOMEMLIMIT in the
// environment (Terraform passes its own to the provider) wins: then neither
// is set here.
const (
	defaultMemoryLimit = 64 << 20 // bytes
	defaultGCPercent   = 400
)

func tuneGC(getenv func(string) string, setMemoryLimit func(int64) int64, setGCPercent func(int) int) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	setMemoryLimit(defaultMemoryLimit)
	setGCPercent(defaultGCPercent)
}
