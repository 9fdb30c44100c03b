//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package userrunner

import (
	"errors"
	"os"
	"syscall"
)

// journalSupported: this system has flock, whose lock the kernel releases
// when the process holding it ends, however it ends.
const journalSupported = true

// tryLock takes an exclusive lock on f without waiting; false when another
// open file holds it (flock locks belong to the open file, so this holds
// between files of one process too).
func tryLock(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		return false, nil
	}
	return false, err
}
