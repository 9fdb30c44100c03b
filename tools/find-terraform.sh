#!/usr/bin/env bash
# Finds the Terraform (or OpenTofu) binary for `make demo`, `make
# test-modules` and `make testacc-newest`, so that none compiles Terraform when
# one is installed.
#
#   tools/find-terraform.sh newest MIN
#       the newest `terraform` on the PATH of at least version MIN (e.g. 1.6)
#   tools/find-terraform.sh newer PINNED
#       the newest `terraform` on the PATH that is newer than PINNED (e.g.
#       1.5.7), for what the pinned Terraform cannot run (`make
#       testacc-newest`, `make examples-check`); prints nothing when there is none
#   tools/find-terraform.sh latest MIN (newest MIN2 | newer PINNED)
#       Terraform MIN+ (e.g. 1.14, for list resources and actions), which no
#       registry reachable here serves: $TERRAFORM_NEWEST when set (it must be
#       Terraform MIN+), else the one $TERRAFORM_INSTALLER (the install script
#       of ../shared/tools/terraform) installs into $INSTALL_DIR, else the
#       newest `terraform` MIN+ on the PATH. When there is none, it says why
#       on stderr ("Terraform MIN+: skipped: ...") and answers as the mode
#       `newest MIN2` or `newer PINNED` does instead. For `make testacc-newest`, `make
#       test-modules` and `make examples-check`.
#   tools/find-terraform.sh demo [EXPLICIT [BUILD_TARGET]]
#       EXPLICIT if given (it must be Terraform 1.5+ or OpenTofu 1.6+); else the
#       first `terraform` 1.5+ on the PATH, else the first `tofu` 1.6+; else
#       Terraform built from source by `make BUILD_TARGET` (default
#       .tools/bin/terraform), saying that this compiles Terraform and showing
#       progress while it does.
#
# The chosen binary's absolute path goes to stdout, everything else to stderr.
# Exit status 1: none found (newest, or latest falling back to newest); 2:
# EXPLICIT or TERRAFORM_NEWEST unusable, the install or the build failed;
# newer always exits 0.
set -euo pipefail

# version PATH: "Terraform 1.11.4" or "OpenTofu 1.6.3", empty when PATH does not run.
version() {
	"$1" version 2>/dev/null | sed -nE '1s/^(Terraform|OpenTofu) v([0-9][0-9.]*).*/\1 \2/p' || true
}

# at_least A B: version A >= version B.
at_least() {
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | sed -n 1p)" = "$2" ]
}

# on_path NAME: the executables NAME on the PATH, in PATH order, once each.
on_path() {
	local dir seen=" "
	local IFS=:
	for dir in $PATH; do
		[ -n "$dir" ] && [ -x "$dir/$1" ] && [ ! -d "$dir/$1" ] || continue
		local real
		real=$(cd "$dir" && pwd -P)/$1
		case "$seen" in *" $real "*) continue ;; esac
		seen="$seen$real "
		echo "$real"
	done
}

# first NAME MIN: the first NAME on the PATH of at least MIN.
first() {
	local bin v
	while read -r bin; do
		v=$(version "$bin")
		if [ -n "$v" ] && at_least "${v#* }" "$2"; then
			echo "$bin"
			return 0
		fi
	done < <(on_path "$1")
	return 1
}

# newest MIN [EXCLUDED]: the newest `terraform` on the PATH of at least MIN,
# other than version EXCLUDED.
newest() {
	local bin v best="" best_v=""
	while read -r bin; do
		v=$(version "$bin")
		case "$v" in "Terraform "*) v=${v#* } ;; *) continue ;; esac
		[ "$v" != "${2:-}" ] || continue
		if at_least "$v" "$1" && { [ -z "$best" ] || ! at_least "$best_v" "$v"; }; then
			best=$bin best_v=$v
		fi
	done < <(on_path terraform)
	[ -n "$best" ] && echo "$best"
}

# latest MIN FALLBACK ARG: see the header.
latest() {
	local min=$1 fallback=$2 arg=$3 bin v why
	if [ -n "${TERRAFORM_NEWEST:-}" ]; then
		bin=$(command -v "$TERRAFORM_NEWEST" || echo "$TERRAFORM_NEWEST")
		v=$(version "$bin")
		case "$v" in
		"Terraform "*) at_least "${v#* }" "$min" ;;
		*) false ;;
		esac || {
			echo "TERRAFORM_NEWEST=$TERRAFORM_NEWEST: ${v:-not a Terraform binary}; it must be Terraform $min or later." >&2
			return 2
		}
		absolute "$bin"
		return 0
	fi
	why="TERRAFORM_NEWEST is not set"
	if [ -n "${TERRAFORM_INSTALLER:-}" ] && [ -f "$TERRAFORM_INSTALLER" ]; then
		bin=$(bash "$TERRAFORM_INSTALLER" "${INSTALL_DIR:?INSTALL_DIR: where TERRAFORM_INSTALLER installs}") || {
			echo "$TERRAFORM_INSTALLER failed (see above)." >&2
			return 2
		}
		v=$(version "$bin")
		if [ -n "$v" ] && at_least "${v#* }" "$min"; then
			absolute "$bin"
			return 0
		fi
		why="$why; $TERRAFORM_INSTALLER installs ${v:-nothing that runs}"
	else
		why="$why; ${TERRAFORM_INSTALLER:-the install script of ../shared/tools/terraform} is absent"
	fi
	bin=$(newest "$min") && { echo "$bin"; return 0; }
	if bin=$(newest 0); then
		why="$why; the newest terraform on the PATH is $(version "$bin" | cut -d' ' -f2)"
	else
		why="$why; there is no terraform on the PATH"
	fi
	echo "Terraform $min+: skipped: $why." >&2
	case "$fallback" in
	newest) newest "$arg" ;;
	newer) newest "$arg" "$arg" || true ;;
	esac
}

# absolute PATH: PATH made absolute.
absolute() {
	echo "$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
}

# build TARGET: make TARGET, with a line every PROGRESS seconds while it runs.
build() {
	local every=${FIND_TERRAFORM_PROGRESS_SECONDS:-20} start=$SECONDS
	echo "==> No Terraform 1.5+ (nor OpenTofu 1.6+) on the PATH: building Terraform from source into $1." >&2
	echo "    This compiles Terraform with Go, once: several minutes (later runs reuse it). To skip it," >&2
	echo "    install Terraform, or point at a binary: make demo TERRAFORM=/path/to/terraform (or tofu)." >&2
	make --no-print-directory "$1" >&2 &
	local pid=$! next=$((SECONDS + every))
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
			echo "    still compiling Terraform... $((SECONDS - start))s" >&2
			next=$((SECONDS + every))
		fi
	done
	if ! wait "$pid"; then
		echo "Building Terraform failed (see above)." >&2
		return 2
	fi
	echo "    Terraform built in $((SECONDS - start))s." >&2
	echo "$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
}

demo() {
	local explicit=${1:-} target=${2:-.tools/bin/terraform} tf v
	if [ -n "$explicit" ]; then
		tf=$explicit
		case "$tf" in */*) ;; *) tf=$(command -v "$tf" || echo "$tf") ;; esac
		v=$(version "$tf")
		case "$v" in
		"Terraform "*) at_least "${v#* }" 1.5 ;;
		"OpenTofu "*) at_least "${v#* }" 1.6 ;;
		*) false ;;
		esac || {
			echo "TERRAFORM=$explicit: ${v:-not a Terraform or OpenTofu binary}; the demo needs Terraform 1.5+ or OpenTofu 1.6+." >&2
			return 2
		}
		echo "==> Using ${v/ / v} ($tf, from TERRAFORM=)" >&2
	elif tf=$(first terraform 1.5) || tf=$(first tofu 1.6); then
		v=$(version "$tf")
		echo "==> Using ${v/ / v} ($tf, found on the PATH; make demo TERRAFORM=/path/to/terraform picks another)" >&2
	else
		tf=$(build "$target") || return 2
		v=$(version "$tf")
		echo "==> Using ${v/ / v} ($tf)" >&2
	fi
	echo "$(cd "$(dirname "$tf")" && pwd -P)/$(basename "$tf")"
}

case "${1:-}" in
newest) newest "${2:?usage: $0 newest MIN}" ;;
newer) newest "${2:?usage: $0 newer PINNED}" "$2" || true ;;
latest)
	case "${3:-}" in
	newest | newer) latest "${2:?}" "$3" "${4:?usage: $0 latest MIN $3 VERSION}" ;;
	*)
		echo "usage: $0 latest MIN newest MIN | latest MIN newer PINNED" >&2
		exit 2
		;;
	esac
	;;
demo) demo "${2:-}" "${3:-}" ;;
*)
	echo "usage: $0 newest MIN | newer PINNED | latest MIN (newest MIN | newer PINNED) | demo [EXPLICIT [BUILD_TARGET]]" >&2
	exit 2
	;;
esac
