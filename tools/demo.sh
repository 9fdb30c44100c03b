#!/usr/bin/env bash
# `make demo`: the provider end to end against the mock coordinator.
#
# Usage: tools/demo.sh [TERRAFORM [BUILD_TARGET]]
#
# TERRAFORM is a terraform or tofu binary; without it, the first Terraform
# 1.5+ on the PATH is used (or OpenTofu 1.6+), and only when there is none is
# Terraform built from source by `make BUILD_TARGET` (tools/find-terraform.sh).
# The work is done by a small Go program (tools/demo): it builds the provider,
# runs the mock coordinator in its own process (so nothing outlives the demo),
# applies examples/demo with a private CLI configuration in .demo/, prints what
# happened and destroys it all. See tools/demo/main.go.
set -euo pipefail
cd "$(dirname "$0")/.."

tf=$(bash tools/find-terraform.sh demo "${1:-}" "${2:-}")

echo "==> Building the demo program (with empty Go caches the first build downloads and compiles the"
echo "    provider's dependencies: a few minutes; after that, seconds)"
mkdir -p .demo/bin
go build -o .demo/bin/demo ./tools/demo
exec .demo/bin/demo --terraform "$tf"
