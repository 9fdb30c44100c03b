//go:build !unix

package userrunner_test

import "time"

// processCPU is not measured here (BenchmarkRunnerRPCs reports no cpu-ns/op).
func processCPU() time.Duration { return 0 }
