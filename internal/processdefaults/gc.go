package processdefaults

// A tighter garbage collector than Go's default, unless the user tunes it.
//
// The provider's live heap is small (about 30 MB while Terraform sends it
// ten resources at a time) but it allocates quickly (the framework
// re-walks the schema for every attribute), so with Go's default GOGC=100 the
// heap doubles between collections and the process peaked at about 90 MB RSS
// for a fleet of 500 runners (`make bench`, BENCHMARKS.md). Collecting at
// +50% keeps the peak near 1.5× the live heap for a few percent more CPU in
// the provider, which is a small part of a Terraform run. GOGC or GOMEMLIMIT
// in the environment (Terraform passes its own to the provider) wins.
const defaultGCPercent = 50

func tuneGC(getenv func(string) string, setGCPercent func(int) int) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	setGCPercent(defaultGCPercent)
}
