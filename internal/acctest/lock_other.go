//go:build !unix

package acctest

// lockFile is a no-op where there is no flock: live tests that change
// settings then run beside the others (run them with -p 1 -parallel 1).
func lockFile(string, bool) (func(), error) { return func() {}, nil }
