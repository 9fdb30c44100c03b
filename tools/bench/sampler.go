package main

// The sampler watches /proc while a Terraform command runs. It finds the
// provider processes Terraform starts (their executable is the benchmarked
// binary), and for each records VmHWM, the kernel's RSS high-water mark
// (exact up to the last sample before the process exits, since it only
// grows), and its CPU time. Which process opened which connection to the
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
	exe, tfExe string

	done chan struct{}
	wg   sync.WaitGroup

	procs   map[int]*procState
	notProv map[int]bool
}

type procState struct {
	hwmKB int64
	cpu   time.Duration
}

func startSampler(providerExe, tfExe string) *sampler {
	s := &sampler{exe: providerExe, tfExe: tfExe, done: make(chan struct{}),
		procs: map[int]*procState{}, notProv: map[int]bool{}}
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
	for pid, p := range s.procs {
		out = append(out, procStats{pid: pid, hwmKB: p.hwmKB, cpu: p.cpu})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pid < out[j].pid })
	return out
}

func (s *sampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	var live []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || s.notProv[pid] {
			continue
		}
		if _, ok := s.procs[pid]; !ok {
			exe, err := os.Readlink("/proc/" + e.Name() + "/exe")
			if err != nil {
				continue // gone, or not ours: look again next time
			}
			if exe != s.exe {
				// Between fork and exec a plugin still shows Terraform's
				// executable: look at it again later.
				if exe != s.tfExe {
					s.notProv[pid] = true
				}
				continue
			}
			s.procs[pid] = &procState{}
		}
		live = append(live, pid)
	}

	for _, pid := range live {
		p := s.procs[pid]
		if hwm := readHWM(pid); hwm > p.hwmKB {
			p.hwmKB = hwm
		}
		if cpu := readCPU(pid); cpu > p.cpu {
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

// readCPU returns the user + system CPU time of a process (0 if unknown).
func readCPU(pid int) time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may contain spaces: count from its ')'.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
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
