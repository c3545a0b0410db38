#!/usr/bin/env bash
# Builds a real Kubernetes control plane (kube-apiserver, kubectl, etcd) from the Go module
# proxy into the directory layout fabric8 kube-api-test reads:
#
#   ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/<X.Y.Z>-<os>-<arch>/{kube-apiserver,kubectl,etcd}
#
# Pinned versions: hack/controlplane/KUBE_VERSION (+ hack/controlplane/kube/go.mod) and
# hack/controlplane/etcd/go.mod. Does nothing when the binaries are already there.
#
# Usage: hack/build-control-plane.sh [--force] [--with-controller-manager] [--print-dir] [--help]
#
# Environment:
#   KUBE_API_TEST_DIR          root of the binary tree (default: $HOME/.kubeapitest), same variable
#                              fabric8 kube-api-test reads
#   TCPTUNE_GOPATH             GOPATH for the build; module cache and build cache live below it
#                              (default: ${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-go)
#   WITH_CONTROLLER_MANAGER=1  also build kube-controller-manager (same as --with-controller-manager)
#   GO                         go binary to use (default: go on PATH)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cp_dir=$here/controlplane

force=0
print_dir=0
with_kcm=${WITH_CONTROLLER_MANAGER:-0}
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    --with-controller-manager) with_kcm=1 ;;
    --print-dir) print_dir=1 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "error: unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done
[[ $with_kcm == 1 || $with_kcm == true ]] && with_kcm=1 || with_kcm=0

die() { echo "error: $*" >&2; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { # start [end] -> "12.3s" / "7m 05s"
  awk -v s="$1" -v e="${2:-$(now)}" 'BEGIN { d = e - s; if (d < 60) printf "%.1fs", d;
    else printf "%dm %02ds", int(d / 60), int(d) % 60 }'
}

# --- pinned versions -------------------------------------------------------------------------
kube_version=$(tr -d ' \t\r\n' < "$cp_dir/KUBE_VERSION")
[[ $kube_version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] \
  || die "hack/controlplane/KUBE_VERSION must hold X.Y.Z, found '$kube_version'"
kube_major=${BASH_REMATCH[1]}
kube_minor=${BASH_REMATCH[2]}
grep -Eq "^[[:space:]]*(require[[:space:]]+)?k8s\.io/kubernetes v${kube_version//./\\.}( |$)" "$cp_dir/kube/go.mod" \
  || die "hack/controlplane/kube/go.mod does not require k8s.io/kubernetes v$kube_version;" \
         "run hack/controlplane/bump-kube.sh $kube_version"
etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" { sub(/^v/, "", $2); print $2 }' "$cp_dir/etcd/go.mod" | head -n1)
[[ -n $etcd_version ]] || die "hack/controlplane/etcd/go.mod does not require go.etcd.io/etcd/server/v3"

case $(uname -s) in Linux) os=linux ;; Darwin) os=darwin ;; *) die "unsupported OS $(uname -s)" ;; esac
case $(uname -m) in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) die "unsupported arch $(uname -m)" ;; esac

test_dir=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
out=$test_dir/k8s/$kube_version-$os-$arch
stamp=$out/.tcptune-build
if (( print_dir )); then echo "$out"; exit 0; fi

bins=(kube-apiserver kubectl etcd)
(( with_kcm )) && bins+=(kube-controller-manager)
want_stamp="kube=$kube_version etcd=$etcd_version"

up_to_date() {
  local b
  for b in "${bins[@]}"; do [[ -x $out/$b ]] || return 1; done
  # Binaries placed there by something else (no stamp) are accepted as they are.
  [[ ! -f $stamp ]] || [[ $(head -n1 "$stamp") == "$want_stamp" ]]
}

if (( ! force )) && up_to_date; then
  echo "control plane up to date: $out (kube $kube_version, etcd $etcd_version)"
  exit 0
fi

# One build at a time per version (e.g. several test JVMs starting together): wait for a running
# one, then check again.
mkdir -p "$test_dir/k8s"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$test_dir/k8s/.build-$kube_version.lock"
  if ! flock -n 9; then
    echo "waiting for another control-plane build (lock $test_dir/k8s/.build-$kube_version.lock)..."
    flock 9
    if (( ! force )) && up_to_date; then
      echo "control plane up to date: $out (kube $kube_version, etcd $etcd_version)"
      exit 0
    fi
  fi
fi

t_total=$(now)
echo "==> building control plane: kube $kube_version, etcd $etcd_version -> $out"

# --- go toolchain ----------------------------------------------------------------------------
t=$(now)
go=${GO:-go}
need_go=$(awk '$1 == "go" { print $2 }' "$cp_dir/kube/go.mod" "$cp_dir/etcd/go.mod" | sort -V | tail -n1)
command -v "$go" >/dev/null 2>&1 \
  || die "'$go' not found: building the control plane needs Go >= $need_go. Install it (https://go.dev/dl/) and put it on PATH, or set GO=/path/to/go."
have_go=$(GOTOOLCHAIN=local "$go" env GOVERSION 2>/dev/null | sed -E 's/^go//; s/[^0-9.].*$//') \
  || die "'$go env GOVERSION' failed; is $(command -v "$go") a working Go installation?"
[[ -n $have_go ]] || die "cannot tell the version of $(command -v "$go")"
if [[ $(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n1) != "$need_go" ]]; then
  die "Go $have_go at $(command -v "$go") is too old: the control-plane wrapper modules need Go >= $need_go. Install a newer Go (https://go.dev/dl/) or set GO=/path/to/go."
fi

export GOPATH=${TCPTUNE_GOPATH:-${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-go}
export GOMODCACHE=$GOPATH/pkg/mod
export GOCACHE=$GOPATH/build-cache
export GOTOOLCHAIN=local   # never download another toolchain: fail above instead
export GOWORK=off          # an enclosing go.work must not leak into the wrapper modules
export GOFLAGS=-mod=readonly
export CGO_ENABLED=0       # static binaries, as upstream releases them; no C compiler needed
export GOOS=$os GOARCH=$arch
mkdir -p "$GOPATH"
echo "--- go $have_go (needs >= $need_go), GOPATH=$GOPATH [$(elapsed "$t")]"

# Build in a scratch directory next to the target (same file system, so the final mv is atomic).
# Its name does not end in -<os>-<arch>: kube-api-test only lists directories that do.
work=$(mktemp -d "$test_dir/k8s/.build-$kube_version.XXXXXX")
# Background jobs get their own process group (set -m), so an interrupted run can stop each whole
# go build tree by group id.
set -m
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- module downloads ------------------------------------------------------------------------
t=$(now)
(cd "$cp_dir/kube" && "$go" mod download) > "$work/download-kube.log" 2>&1 & pids+=($!)
(cd "$cp_dir/etcd" && "$go" mod download) > "$work/download-etcd.log" 2>&1 & pids+=($!)
rc=0
for i in 0 1; do wait "${pids[$i]}" || rc=1; done
pids=()
if (( rc )); then cat "$work"/download-*.log >&2; die "go mod download failed (is the Go module proxy reachable? GOPROXY=$("$go" env GOPROXY))"; fi
echo "--- modules downloaded to $GOMODCACHE [$(elapsed "$t")]"

# --- compile ---------------------------------------------------------------------------------
# Version stamping as upstream's hack/lib/version.sh does; buildDate is the release's module time
# so that rebuilds are reproducible.
build_date=$(cd "$cp_dir/kube" && "$go" list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X '$pkg.gitVersion=v$kube_version' -X '$pkg.gitMajor=$kube_major'"
  kube_ldflags+=" -X '$pkg.gitMinor=$kube_minor' -X '$pkg.gitTreeState=archive' -X '$pkg.buildDate=$build_date'"
done
kube_pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
(( with_kcm )) && kube_pkgs+=(k8s.io/kubernetes/cmd/kube-controller-manager)

# Two go builds side by side: each already compiles packages in parallel (-p = cores); running
# them together keeps both cores busy while the other one links.
mkdir -p "$work/bin"
build_kube() {
  local s; s=$(now)
  (cd "$cp_dir/kube" && "$go" build -trimpath -buildvcs=false -ldflags="$kube_ldflags" -o "$work/bin/" "${kube_pkgs[@]}")
  echo "--- built ${kube_pkgs[*]##*/} [$(elapsed "$s")]"
}
build_etcd() {
  local s; s=$(now)
  (cd "$cp_dir/etcd" && "$go" build -trimpath -buildvcs=false -ldflags="-s -w" -o "$work/bin/etcd" go.etcd.io/etcd/server/v3)
  echo "--- built etcd [$(elapsed "$s")]"
}
t=$(now)
echo "--- compiling ${kube_pkgs[*]##*/} and etcd (first build takes several minutes)..."
build_kube > "$work/build-kube.log" 2>&1 & pids+=($!)
build_etcd > "$work/build-etcd.log" 2>&1 & pids+=($!)
rc=0
for i in 0 1; do
  if wait "${pids[$i]}"; then tail -n1 "$work/build-$([[ $i == 0 ]] && echo kube || echo etcd).log"
  else rc=1; fi
done
pids=()
if (( rc )); then cat "$work"/build-*.log >&2; die "go build failed (logs above)"; fi
echo "--- compile step done [$(elapsed "$t")]"

# --- install ---------------------------------------------------------------------------------
t=$(now)
mkdir -p "$out"
for b in "${bins[@]}"; do
  [[ -x $work/bin/$b ]] || die "build produced no $b"
  mv -f "$work/bin/$b" "$out/$b"
done
printf '%s\n%s\n' "$want_stamp" "built by hack/build-control-plane.sh with go $have_go" > "$stamp"
echo "--- installed into $out [$(elapsed "$t")]"

# --- verify ----------------------------------------------------------------------------------
t=$(now)
"$out/kube-apiserver" --version | sed 's/^/    /'
"$out/kubectl" version --client | sed -n '1p' | sed 's/^/    /'
"$out/etcd" --version | sed -n '1p' | sed 's/^/    /'
(( with_kcm )) && "$out/kube-controller-manager" --version | sed 's/^/    /'
echo "--- verified [$(elapsed "$t")]"
echo "==> control plane ready in $out [total $(elapsed "$t_total")]"
