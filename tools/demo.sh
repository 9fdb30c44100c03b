#!/usr/bin/env bash
# `make demo`: the provider end to end against the mock coordinator.
#
# Usage: tools/demo.sh <absolute path to terraform or tofu>
#
# The work is done by a small Go program (tools/demo): it builds the provider,
# runs the mock coordinator in its own process (so nothing outlives the demo),
# applies examples/demo with a private CLI configuration in .demo/, prints what
# happened and destroys it all. See tools/demo/main.go.
set -euo pipefail

tf="${1:?usage: $0 <path to terraform or tofu>}"
cd "$(dirname "$0")/.."

mkdir -p .demo/bin
go build -o .demo/bin/demo ./tools/demo
exec .demo/bin/demo --terraform "$tf"
