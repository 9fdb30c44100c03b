package processdefaults

// A soft memory limit for the garbage collector, unless the user tunes it.
//
// The provider's live heap is small (about 30 MB while Terraform sends it
// ten resources at a time) but it allocates quickly (the framework re-walks
// the schema for every attribute), so with Go's defaults alone the heap
// doubles between collections and the process peaked at about 90 MB RSS for
// a fleet of 500 runners (`make bench`, BENCHMARKS.md). A soft limit of
// 64 MiB makes the collector work harder only when the process nears it,
// keeping the peak under 80 MB; below it GOGC stays at Go's 100, which costs
// less CPU than collecting at +50% throughout (GOGC=50, the earlier setting:
// same peak, more provider CPU per command). If the live heap ever exceeded
// the limit, Go caps the collector at about half the CPU rather than failing.
// GOGC or GOMEMLIMIT in the environment (Terraform passes its own to the
// provider) wins.
const defaultMemoryLimit = 64 << 20 // bytes

func tuneGC(getenv func(string) string, setMemoryLimit func(int64) int64) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	setMemoryLimit(defaultMemoryLimit)
}
