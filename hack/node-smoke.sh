#!/usr/bin/env bash
# Feasibility check for the one-node cluster of issue 12: does this machine run a real kubelet on
# containerd + runc + CNI at all? Starts containerd and a standalone kubelet (no API server: one
# static pod) from hack/build-node.sh, all state under one temporary directory, imports the local
# pause image, and waits until the static pod's container runs with an IP from the CNI bridge.
# Tears everything down on exit, also on failure: kubelet, pod containers and shims, containerd,
# mounts and network namespaces under the temp dir, the bridge, the cgroups below its own root.
#
# Usage (as root): hack/node-smoke.sh        Needs: hack/build-node.sh run with pause.oci.tar.
# With NODE_SMOKE_KUBECONFIG=FILE the kubelet also registers with that API server, and the check
# waits for its Node to be Ready too (the Node object is deleted afterwards).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$("$here/build-node.sh" --print-dir)
die() { echo "error: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "needs root (kubelet, containerd, runc, CNI)"
[[ -f $bin/pause.oci.tar ]] || die "no $bin/pause.oci.tar: run hack/build-node.sh (with hack/image/ociimage present)"

id=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
d=$(mktemp -d "/tmp/tcpt-node-$id.XXXX")   # short: unix socket paths are limited to 108 bytes
bridge=tcpt$id                             # 12 chars, under IFNAMSIZ
cgroup_root=/tcpt-node-$id
subnet=10.$((0x${id:0:2} % 64 + 128)).$((0x${id:2:2})).0/24
sock=$d/containerd.sock
created_host_dirs=()
for p in /var/lib/kubelet /var/lib/cni /var/log/containers; do [[ -e $p ]] || created_host_dirs+=("$p"); done

cleanup() {
  set +e
  echo "--- cleanup"
  if [[ -n ${kubelet_pid:-} ]]; then
    # Removing the manifest makes the kubelet stop the pod itself (CNI DEL included) before it goes.
    rm -f "$d/manifests/smoke.yaml"
    for _ in $(seq 60); do
      [[ -z $("$bin/ctr" -a "$sock" -n k8s.io tasks ls -q 2>/dev/null) ]] && break
      sleep 0.5
    done
    kill "$kubelet_pid" && wait "$kubelet_pid"
  fi
  if [[ -S $sock ]]; then
    "$bin/ctr" -a "$sock" -n k8s.io containers ls -q 2>/dev/null > "$d/sandboxes"
    for t in $("$bin/ctr" -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
      "$bin/ctr" -a "$sock" -n k8s.io tasks kill -s SIGKILL "$t" >/dev/null 2>&1
    done
    sleep 1
    for t in $("$bin/ctr" -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do "$bin/ctr" -a "$sock" -n k8s.io tasks rm -f "$t" >/dev/null 2>&1; done
    for c in $("$bin/ctr" -a "$sock" -n k8s.io containers ls -q 2>/dev/null); do "$bin/ctr" -a "$sock" -n k8s.io containers rm "$c" >/dev/null 2>&1; done
  fi
  # Shims outlive containerd (they are reparented); ours name our socket on their command line.
  for p in /proc/[0-9]*; do
    if { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -q -- "-address $sock "; then kill -9 "${p#/proc/}"; fi
  done
  [[ -n ${containerd_pid:-} ]] && kill "$containerd_pid" && wait "$containerd_pid"
  # Deepest mounts first (pod volumes, overlay rootfs, network namespace files).
  awk -v d="$d/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  ip link del "$bridge" 2>/dev/null
  for h in /sys/fs/cgroup/*/; do
    [[ -d $h${cgroup_root#/} ]] && find "$h${cgroup_root#/}" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # Paths the kubelet and libcni use whatever their root is: our entries, and the directories when
  # this run created them.
  find /var/log/containers -maxdepth 1 -lname "$d/*" -delete 2>/dev/null
  for c in $(cat "$d/sandboxes" 2>/dev/null); do rm -f /var/lib/cni/results/*-"$c"-*; done
  [[ " ${created_host_dirs[*]} " == *" /var/lib/kubelet "* ]] && rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  for p in "${created_host_dirs[@]}"; do find "$p" -depth -type d -empty -delete 2>/dev/null; done
  [[ -n ${NODE_SMOKE_KUBECONFIG:-} ]] && "$(dirname "$bin")/../k8s/$(basename "$bin")/kubectl" \
    --kubeconfig "$NODE_SMOKE_KUBECONFIG" delete node "tcpt-node-$id" --ignore-not-found >/dev/null
  rm -rf "$d"
  echo "--- cleaned up $d"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CapBnd bit 24 is CAP_SYS_RESOURCE.
restrict_oom=false
(( (0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) >> 24) & 1 )) || restrict_oom=true
mkdir -p "$d"/{cni,kubelet,manifests,logs,runc,shim,nri,containerd}
cat > "$d/containerd.toml" <<EOF
version = 3
root = "$d/containerd/root"
state = "$d/containerd/state"
temp = "$d/containerd/tmp"
[grpc]
  address = "$sock"
[plugins.'io.containerd.shim.v1.manager']
  socket_dir = "$d/shim"
[plugins.'io.containerd.nri.v1.nri']
  disable = false
  socket_path = "$d/nri/nri.sock"
  plugin_path = "$d/nri/plugins"
  plugin_config_path = "$d/nri/conf.d"
[plugins.'io.containerd.cri.v1.images']
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "registry.k8s.io/pause:tcptune"
[plugins.'io.containerd.cri.v1.runtime']
  netns_mounts_under_state_dir = true
  # CAP_SYS_RESOURCE may be missing from the bounding set (it is in this sandbox VM): then runc
  # cannot lower a container's oom_score_adj below containerd's own (the kubelet asks -998 for pod
  # sandboxes). Clamp instead of failing every sandbox.
  restrict_oom_score_adj = $restrict_oom
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$bin/cni"]
    conf_dir = "$d/cni"
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "$bin/runc"
      Root = "$d/runc"
      SystemdCgroup = false
EOF
cat > "$d/cni/10-tcptune.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "tcptune", "plugins": [
  {"type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$subnet"}]], "dataDir": "$d/cni/ipam"}},
  {"type": "loopback"}]}
EOF

echo "--- starting containerd ($d)"
PATH=$bin:$PATH "$bin/containerd" --config "$d/containerd.toml" > "$d/logs/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do [[ -S $sock ]] && "$bin/ctr" -a "$sock" version >/dev/null 2>&1 && break; sleep 0.2; done
"$bin/ctr" -a "$sock" version >/dev/null || { tail -30 "$d/logs/containerd.log"; die "containerd did not start"; }
"$bin/ctr" -a "$sock" plugins ls | grep -E 'nri|cri' | sed 's/^/    /'
"$bin/ctr" -a "$sock" -n k8s.io images import --local "$bin/pause.oci.tar"

cat > "$d/manifests/smoke.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: tcptune-smoke, namespace: default}
spec:
  containers:
  - {name: pause, image: "registry.k8s.io/pause:tcptune", imagePullPolicy: Never}
EOF
ro_port=$((20000 + 0x${id:4:2} * 64 + 0x${id:6:1}))
cat > "$d/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 0
readOnlyPort: $ro_port
healthzPort: 0
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
staticPodPath: $d/manifests
containerRuntimeEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
failSwapOn: false
failCgroupV1: false
podLogsDir: $d/logs/pods
enforceNodeAllocatable: []
evictionHard: {}
EOF
# The kubelet wants its cgroupRoot to exist in every hierarchy (cgroup v1 here); cpuset needs cpus
# and mems filled in before anything can join it.
for h in /sys/fs/cgroup/*/; do
  [[ -f ${h}cgroup.procs ]] || continue
  mkdir -p "$h${cgroup_root#/}"
  if [[ -f ${h}cpuset.cpus ]]; then
    cat "${h}cpuset.cpus" > "$h${cgroup_root#/}/cpuset.cpus"
    cat "${h}cpuset.mems" > "$h${cgroup_root#/}/cpuset.mems"
  fi
done
echo "--- starting kubelet (standalone, static pod, read-only port $ro_port)"
"$bin/kubelet" --config "$d/kubelet.yaml" --root-dir "$d/kubelet" --cert-dir "$d/kubelet/pki" \
  --hostname-override "tcpt-node-$id" ${NODE_SMOKE_KUBECONFIG:+--kubeconfig "$NODE_SMOKE_KUBECONFIG"} --v 2 > "$d/logs/kubelet.log" 2>&1 &
kubelet_pid=$!

deadline=$((SECONDS + 120))
while (( SECONDS < deadline )); do
  kill -0 "$kubelet_pid" 2>/dev/null || { tail -40 "$d/logs/kubelet.log"; die "kubelet exited"; }
  pods=$(curl -fsS "http://127.0.0.1:$ro_port/pods" 2>/dev/null || true)
  if grep -q '"phase":"Running"' <<<"$pods"; then
    echo "--- static pod Running: $(grep -o '"podIP":"[^"]*"' <<<"$pods" | head -1)"
    "$bin/ctr" -a "$sock" -n k8s.io tasks ls 2>/dev/null | sed 's/^/    /'
    ip -br addr show "$bridge" | sed 's/^/    /'
    if [[ -n ${NODE_SMOKE_KUBECONFIG:-} ]]; then
      kc() { "$(dirname "$bin")/../k8s/$(basename "$bin")/kubectl" --kubeconfig "$NODE_SMOKE_KUBECONFIG" "$@"; }
      kc wait --for=condition=Ready "node/tcpt-node-$id" --timeout=60s
      kc get node "tcpt-node-$id" -o wide | sed 's/^/    /'
      kc get pods -A -o wide | sed 's/^/    /'
    fi
    echo "==> this machine runs a kubelet with containerd, runc and CNI"
    exit 0
  fi
  sleep 1
done
echo "--- kubelet log (last 60 lines)"; tail -60 "$d/logs/kubelet.log"
echo "--- containerd log (last 30 lines)"; tail -30 "$d/logs/containerd.log"
die "the static pod did not reach Running in 120 s"
