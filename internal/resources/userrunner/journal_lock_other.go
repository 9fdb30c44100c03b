//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package userrunner

import (
	"errors"
	"os"
)

// journalSupported: no flock here, so no journal (see journal.go).
const journalSupported = false

func tryLock(*os.File) (bool, error) {
	return false, errors.New("file locks are not supported on this system")
}
