#!/usr/bin/env bash
# Builds what a real one-node cluster needs next to the control plane of build-control-plane.sh,
# from the Go module proxy (nothing downloads a prebuilt binary):
#
#   ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/node/<X.Y.Z>-<os>-<arch>/
#     kubelet kube-scheduler kube-controller-manager   hack/controlplane/kube (KUBE_VERSION)
#     containerd containerd-shim-runc-v2 ctr           hack/node/containerd (NRI on by default)
#     runc                                             hack/node/runc (cgo + libseccomp)
#     cni/{bridge,host-local,loopback,portmap}         hack/node/cni
#     pause                                            build/pause/linux/pause.c of the pinned
#                                                      k8s.io/kubernetes module, gcc -static
#     pause.oci.tar                                    pause packed as an OCI image archive for
#                                                      `ctr -n k8s.io images import` (packed by
#                                                      hack/image/ociimage, as the tcptune image)
#
# The directory sits beside k8s/, not in it: kube-api-test lists k8s/ and must keep seeing only the
# control plane. Does nothing when everything is there with the same pinned versions.
#
# Usage: hack/build-node.sh [--force] [--print-dir] [--help]
#
# Environment:
#   KUBE_API_TEST_DIR  root of the binary tree (default: $HOME/.kubeapitest)
#   TCPTUNE_GOPATH     GOPATH for the build (default: ${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-go)
#   GO                 go binary to use (default: go on PATH)
#
# Needs gcc, the static C library (libc6-dev) and the libseccomp headers (libseccomp-dev): runc is
# the one cgo binary (its nsenter runs C before the Go runtime starts, and seccomp filters for pods
# with the RuntimeDefault profile come from libseccomp). As root on Debian/Ubuntu, the script
# installs libseccomp-dev and pkg-config with apt-get when they are missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cp_dir=$here/controlplane
node_dir=$here/node

force=0
print_dir=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    --print-dir) print_dir=1 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "error: unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "error: $*" >&2; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { # start [end] -> "12.3s" / "7m 05s"
  awk -v s="$1" -v e="${2:-$(now)}" 'BEGIN { d = e - s; if (d < 60) printf "%.1fs", d;
    else printf "%dm %02ds", int(d / 60), int(d) % 60 }'
}
mod_version() { # go.mod module -> version without v
  awk -v m="$2" '$1 == m { sub(/^v/, "", $2); print $2 }' "$1" | head -n1
}

# --- pinned versions -------------------------------------------------------------------------
kube_version=$(tr -d ' \t\r\n' < "$cp_dir/KUBE_VERSION")
[[ $kube_version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] \
  || die "hack/controlplane/KUBE_VERSION must hold X.Y.Z, found '$kube_version'"
kube_major=${BASH_REMATCH[1]}
kube_minor=${BASH_REMATCH[2]}
[[ $(mod_version "$cp_dir/kube/go.mod" k8s.io/kubernetes) == "$kube_version" ]] \
  || die "hack/controlplane/kube/go.mod does not require k8s.io/kubernetes v$kube_version;" \
         "run hack/controlplane/bump-kube.sh $kube_version"
containerd_version=$(mod_version "$node_dir/containerd/go.mod" github.com/containerd/containerd/v2)
runc_version=$(mod_version "$node_dir/runc/go.mod" github.com/opencontainers/runc)
cni_version=$(mod_version "$node_dir/cni/go.mod" github.com/containernetworking/plugins)
[[ -n $containerd_version && -n $runc_version && -n $cni_version ]] \
  || die "hack/node/{containerd,runc,cni}/go.mod must each require their project"

case $(uname -s) in Linux) os=linux ;; *) die "a node needs Linux, not $(uname -s)" ;; esac
case $(uname -m) in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) die "unsupported arch $(uname -m)" ;; esac

test_dir=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
out=$test_dir/node/$kube_version-$os-$arch
stamp=$out/.tcptune-build
if (( print_dir )); then echo "$out"; exit 0; fi

bins=(kubelet kube-scheduler kube-controller-manager containerd containerd-shim-runc-v2 ctr runc
      cni/bridge cni/host-local cni/loopback cni/portmap pause)
want_stamp="kube=$kube_version containerd=$containerd_version runc=$runc_version cni=$cni_version"

up_to_date() {
  local b
  for b in "${bins[@]}"; do [[ -x $out/$b ]] || return 1; done
  [[ -f $stamp && $(head -n1 "$stamp") == "$want_stamp" ]]
}
all_done() { up_to_date && [[ -f $out/pause.oci.tar ]]; }
say_done() { echo "node binaries up to date: $out ($want_stamp)"; }

if (( ! force )) && all_done; then say_done; exit 0; fi

mkdir -p "$test_dir/node"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$test_dir/node/.build-$kube_version.lock"
  if ! flock -n 9; then
    echo "waiting for another node build (lock $test_dir/node/.build-$kube_version.lock)..."
    flock 9
    if (( ! force )) && all_done; then say_done; exit 0; fi
  fi
fi

t_total=$(now)
echo "==> building node: $want_stamp -> $out"

# --- tools -----------------------------------------------------------------------------------
t=$(now)
go=${GO:-go}
need_go=$(awk '$1 == "go" { print $2 }' "$cp_dir/kube/go.mod" "$node_dir"/*/go.mod | sort -V | tail -n1)
command -v "$go" >/dev/null 2>&1 \
  || die "'$go' not found: building the node needs Go >= $need_go. Install it (https://go.dev/dl/) and put it on PATH, or set GO=/path/to/go."
have_go=$(GOTOOLCHAIN=local "$go" env GOVERSION 2>/dev/null | sed -E 's/^go//; s/[^0-9.].*$//') \
  || die "'$go env GOVERSION' failed; is $(command -v "$go") a working Go installation?"
[[ $(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n1) == "$need_go" ]] \
  || die "Go $have_go at $(command -v "$go") is too old: hack/node and hack/controlplane/kube need Go >= $need_go"
command -v gcc >/dev/null 2>&1 || die "gcc not found: runc (cgo) and pause (static C) need it (apt-get install gcc libc6-dev)"
if [[ ! -f /usr/include/seccomp.h ]] || ! command -v pkg-config >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "--- installing libseccomp-dev and pkg-config (runc's seccomp support)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libseccomp-dev pkg-config >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libseccomp-dev pkg-config >/dev/null; } \
      || die "apt-get install libseccomp-dev pkg-config failed"
  else
    die "runc needs the libseccomp headers and pkg-config: install libseccomp-dev and pkg-config"
  fi
fi

export GOPATH=${TCPTUNE_GOPATH:-${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-go}
export GOMODCACHE=$GOPATH/pkg/mod
export GOCACHE=$GOPATH/build-cache
export GOTOOLCHAIN=local
export GOWORK=off
export GOFLAGS=-mod=readonly
export CGO_ENABLED=0   # static like upstream's releases; runc turns it back on for itself
export GOOS=$os GOARCH=$arch
mkdir -p "$GOPATH"
echo "--- go $have_go (needs >= $need_go), gcc $(gcc -dumpversion), GOPATH=$GOPATH [$(elapsed "$t")]"

work=$(mktemp -d "$test_dir/node/.build-$kube_version.XXXXXX")
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
for m in "$cp_dir/kube" "$node_dir/containerd" "$node_dir/runc" "$node_dir/cni"; do
  (cd "$m" && "$go" mod download) >> "$work/download.log" 2>&1 \
    || { cat "$work/download.log" >&2; die "go mod download in $m failed (is the Go module proxy reachable? GOPROXY=$("$go" env GOPROXY))"; }
done
echo "--- modules downloaded to $GOMODCACHE [$(elapsed "$t")]"

# --- compile ---------------------------------------------------------------------------------
mkdir -p "$work/bin/cni"
build_date=$(cd "$cp_dir/kube" && "$go" list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X '$pkg.gitVersion=v$kube_version' -X '$pkg.gitMajor=$kube_major'"
  kube_ldflags+=" -X '$pkg.gitMinor=$kube_minor' -X '$pkg.gitTreeState=archive' -X '$pkg.buildDate=$build_date'"
done
gobuild() { "$go" build -trimpath -buildvcs=false "$@"; }

build_kube() {
  local s; s=$(now)
  (cd "$cp_dir/kube" && gobuild -ldflags="$kube_ldflags" -o "$work/bin/" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-controller-manager)
  echo "--- built kubelet, kube-scheduler, kube-controller-manager [$(elapsed "$s")]"
}
build_runtime() {
  local s p m
  s=$(now)
  m=github.com/containerd/containerd/v2
  (cd "$node_dir/containerd" && gobuild -tags no_btrfs \
    -ldflags="-s -w -X $m/version.Version=v$containerd_version -X $m/version.Package=$m" \
    -o "$work/bin/" $m/cmd/containerd $m/cmd/containerd-shim-runc-v2 $m/cmd/ctr)
  echo "--- built containerd $containerd_version [$(elapsed "$s")]"
  s=$(now)
  (cd "$node_dir/runc" && CGO_ENABLED=1 gobuild -tags "seccomp urfave_cli_no_docs" \
    -ldflags="-s -w -X main.version=$runc_version" -o "$work/bin/runc" github.com/opencontainers/runc)
  echo "--- built runc $runc_version [$(elapsed "$s")]"
  s=$(now)
  for p in ipam/host-local main/bridge main/loopback meta/portmap; do
    (cd "$node_dir/cni" && gobuild -ldflags="-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v$cni_version" \
      -o "$work/bin/cni/${p#*/}" "github.com/containernetworking/plugins/plugins/$p")
  done
  echo "--- built CNI plugins $cni_version [$(elapsed "$s")]"
  s=$(now)
  gcc -Os -static -Wall -Werror -DVERSION="v$kube_version-tcptune" -o "$work/bin/pause" \
    "$GOMODCACHE/k8s.io/kubernetes@v$kube_version/build/pause/linux/pause.c"
  strip "$work/bin/pause"
  echo "--- built pause (static C) [$(elapsed "$s")]"
}

t=$(now)
if (( force )) || ! up_to_date; then
  echo "--- compiling kubelet, kube-scheduler, kube-controller-manager and containerd, runc, CNI plugins, pause (first build takes many minutes)..."
  build_kube > "$work/build-kube.log" 2>&1 & pids+=($!)
  build_runtime > "$work/build-runtime.log" 2>&1 & pids+=($!)
  rc=0
  wait "${pids[0]}" && tail -n1 "$work/build-kube.log" || rc=1
  wait "${pids[1]}" && grep '^---' "$work/build-runtime.log" || rc=1
  pids=()
  if (( rc )); then cat "$work"/build-*.log >&2; die "build failed (logs above)"; fi
  echo "--- compile step done [$(elapsed "$t")]"

  mkdir -p "$out/cni"
  for b in "${bins[@]}"; do
    [[ -x $work/bin/$b ]] || die "build produced no $b"
    mv -f "$work/bin/$b" "$out/$b"
  done
  rm -f "$out/pause.oci.tar"
  printf '%s\n%s\n' "$want_stamp" "built by hack/build-node.sh with go $have_go" > "$stamp"
  echo "--- installed into $out"
fi

# --- pause image -----------------------------------------------------------------------------
# The image's only file is /pause; packed by the same tool as the tcptune image.
if [[ ! -f $out/pause.oci.tar ]]; then
  t=$(now)
  rootfs=$work/pause-rootfs.tar
  (cd "$out" && tar --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$rootfs" pause)
  (cd "$here/image/ociimage" && gobuild -o "$work/ociimage" .)
  rm -rf "$work/pause-layout"
  "$work/ociimage" -layer "$rootfs" -out "$work/pause-layout" -name "registry.k8s.io/pause:tcptune" \
    -entrypoint /pause -user 65535:65535
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/pause-layout" -cf "$out/pause.oci.tar.tmp" .
  mv -f "$out/pause.oci.tar.tmp" "$out/pause.oci.tar"
  echo "--- pause image registry.k8s.io/pause:tcptune -> $out/pause.oci.tar [$(elapsed "$t")]"
fi

# --- verify ----------------------------------------------------------------------------------
"$out/kubelet" --version | sed 's/^/    /'
"$out/kube-scheduler" --version | sed 's/^/    /'
"$out/containerd" --version | sed 's/^/    /'
"$out/runc" --version | sed -n '1p;/seccomp/p' | sed 's/^/    /'
"$out/cni/bridge" --version 2>&1 | sed -n '1p' | sed 's/^/    /'
echo "==> node ready in $out [total $(elapsed "$t_total")]"
