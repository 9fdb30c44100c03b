package main

// The sampler watches /proc while a Terraform command runs. It finds the
// provider processes Terraform starts (their executable is the benchmarked
// binary), and for each records VmHWM, the kernel's RSS high-water mark
// (exact up to the last sample before the process exits, since it only
// grows), and its CPU time (up to the last sample: a process's last 20 ms
// may be missed). Until 2026-12-06 a pid once seen to be another program was
// never looked at again, and a provider process that got a reused pid was
// missed with all its CPU time. Which process opened which connection to the
// mock is found exactly, at accept time, by connOwners.

import (
	"bufio"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampleInterval trades accuracy for load: on a 2-core machine the sampler
// must not steal CPU from Terraform.
const sampleInterval = 20 * time.Millisecond

type procStats struct {
	pid   int
	hwmKB int64
	cpu   time.Duration // user + system CPU time, at the last sample
	conns int           // connections to the mock this process opened (connOwners)
}

type sampler struct {
	exe string

	done chan struct{}
	wg   sync.WaitGroup

	procs map[procKey]*procState
}

// procKey names a process for good: the machine may reuse a pid within one
// command (pid_max can be as low as 32768, and teammates' test runs start
// thousands of processes), so a process is its pid and its start time.
type procKey struct {
	pid   int
	start uint64 // clock ticks after boot (/proc/PID/stat field 22)
}

type procState struct {
	hwmKB int64
	cpu   time.Duration
}

func startSampler(providerExe string) *sampler {
	s := &sampler{exe: providerExe, done: make(chan struct{}), procs: map[procKey]*procState{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(sampleInterval)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends sampling and returns the provider processes seen, by pid.
func (s *sampler) stop() []procStats {
	close(s.done)
	s.wg.Wait()
	out := make([]procStats, 0, len(s.procs))
	for k, p := range s.procs {
		out = append(out, procStats{pid: k.pid, hwmKB: p.hwmKB, cpu: p.cpu})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pid < out[j].pid })
	return out
}

// sample looks at every process: the executable of each tells a provider
// process (every time: a pid seen before may be another process now).
func (s *sampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// Between fork and exec a plugin still shows Terraform's
		// executable: it is looked at again at the next sample.
		if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err != nil || exe != s.exe {
			continue
		}
		cpu, start, ok := readStat(pid)
		if !ok {
			continue // gone
		}
		key := procKey{pid, start}
		p := s.procs[key]
		if p == nil {
			p = &procState{}
			s.procs[key] = p
		}
		if hwm := readHWM(pid); hwm > p.hwmKB {
			p.hwmKB = hwm
		}
		if cpu > p.cpu {
			p.cpu = cpu
		}
	}
}

// readHWM returns VmHWM in kB (0 if unknown).
func readHWM(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				v, _ := strconv.ParseInt(f[1], 10, 64)
				return v
			}
		}
	}
	return 0
}

// clockTick is USER_HZ, the unit of /proc/PID/stat times (100 on Linux).
const clockTick = 10 * time.Millisecond

// readStat returns the user + system CPU time of a process and its start
// time (clock ticks after boot); ok is false when it cannot be read.
func readStat(pid int) (cpu time.Duration, start uint64, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// The command name (field 2) may contain spaces: count from its ')'.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3
	if len(f) < 20 {
		return 0, 0, false
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	start, err = strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, 0, false
	}
	return time.Duration(utime+stime) * clockTick, start, true
}

// socketInode returns the inode of the socket in a /proc/net/tcp table
// whose local port is localPort and remote port remotePort (the client end
// of a connection to the mock), or 0.
func socketInode(table string, localPort, remotePort int) uint64 {
	f, err := os.Open(table)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }() // read-only
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || hexPort(fields[1]) != localPort || hexPort(fields[2]) != remotePort {
			continue
		}
		if ino, err := strconv.ParseUint(fields[9], 10, 64); err == nil && ino != 0 {
			return ino
		}
	}
	return 0
}

// hexPort reads the port of an "ADDR:PORT" field of /proc/net/tcp (hex), or -1.
func hexPort(field string) int {
	i := strings.LastIndexByte(field, ':')
	if i < 0 {
		return -1
	}
	p, err := strconv.ParseUint(field[i+1:], 16, 32)
	if err != nil {
		return -1
	}
	return int(p)
}
