#!/usr/bin/env bash
# `make bench`: the fleet benchmark (see tools/bench/main.go).
#
# Usage: tools/bench.sh <absolute path to terraform> [flags of tools/bench]
#   flags: -n 10,100,500  -latency 20ms  -tls  -repeat 2  -out BENCHMARKS-run.md  -gobench=false  -profile
# Zero latency (the provider's own cost per runner): make bench BENCH_ARGS="-n 100 -latency 0 -repeat 2 -gobench=false"
# With make, pass flags through BENCH_ARGS: make bench BENCH_ARGS="-tls -n 500"
#
# The work is done by a Go program: it builds the provider, runs the mock
# coordinator in its own process (so nothing outlives the benchmark), times
# Terraform against it and against terraform_data, and prints the table.
set -euo pipefail

tf="${1:?usage: $0 <path to terraform> [flags]}"
shift
cd "$(dirname "$0")/.."

mkdir -p .bench/bin
go build -o .bench/bin/bench ./tools/bench
# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
exec .bench/bin/bench -terraform "$tf" ${BENCH_ARGS:-} "$@"
