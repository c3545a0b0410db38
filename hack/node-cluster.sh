#!/usr/bin/env bash
# A real one-node Kubernetes cluster on this machine, for the tests of issue 12 and for trying the
# chart by hand: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd (NRI on)
# and a kubelet, all built from source by hack/build-control-plane.sh and hack/build-node.sh. No
# registry: images are imported into containerd from OCI archives.
#
#   hack/node-cluster.sh up [IMAGE.oci.tar...]   prints the run directory; its `env` file holds
#                                                KUBECONFIG, NODE_NAME, SERVICE_IP, ...
#   hack/node-cluster.sh down DIR                stops everything and removes what `up` made
#   hack/node-cluster.sh smoke                   up, a pod Running, down (a feasibility check)
#
# Everything lives under one /tmp/tcpt-kc-<id>.XXXX directory, so two runs never share state, but the
# kubelet always uses /var/lib/kubelet/device-plugins and /var/log/containers: run one cluster per
# machine at a time. `up` fails when one is running (a lock under /run).
#
# The node is this machine's host network namespace, as it is on a real node; what it changes there
# and gives back at `down`:
#   - a bridge `tcptb<id>` for the pods, made here with the pods' gateway address (so the CNI bridge
#     plugin does not turn on net.ipv4.ip_forward: pods only talk to addresses local to the node),
#     the node IP and the service IP (the `kubernetes` Service's ClusterIP: no kube-proxy runs, so
#     the API server listens on that address itself);
#   - the kernel settings the kubelet sets at start (vm.overcommit_memory, vm.panic_on_oom,
#     kernel.panic, kernel.panic_on_oops, kernel.keys.root_max*): recorded before, restored after;
#   - cgroups under its own cgroupRoot /tcpt-kc-<id>, removed.
# Addresses: a random 10.X.Y.0/24 with X in 128..191: services .0/28 (service IP .1), node IP .17,
# pods .128/25 (gateway .129).
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "error: $*" >&2; exit 1; }
log() { echo "--- $*" >&2; }
KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
LOCK=/run/tcptune-node-cluster.lock

cp_bin() { "$here/build-control-plane.sh" --print-dir; }
node_bin() { "$here/build-node.sh" --print-dir; }

free_port() { # a port nobody listens on, from a range kube components do not default to
  local p
  for _ in $(seq 200); do
    p=$((30000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port"
}

wait_for() { # seconds description pid-file command...: fails early when that process is gone
  local deadline=$((SECONDS + $1)) what=$2 pidfile=$3; shift 3
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    kill -0 "$(cat "$pidfile")" 2>/dev/null || return 1
    sleep 0.25
  done
  log "$what"
}

pki() { # dir service-ip node-ip node-name
  local d=$1/pki svc=$2 nodeip=$3 node=$4
  mkdir -p "$d"
  openssl req -x509 -new -nodes -newkey rsa:2048 -days 2 -subj "/CN=tcptune-node-cluster-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  sign() { # name subject [extensions]
    openssl req -new -nodes -newkey rsa:2048 -subj "$2" -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
    printf '%s\n' "${3:-extendedKeyUsage=clientAuth}" > "$d/$1.ext"
    openssl x509 -req -days 2 -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
      -extfile "$d/$1.ext" -out "$d/$1.crt" 2>/dev/null
  }
  sign apiserver "/CN=kube-apiserver" "$(printf '%s\n' \
    "subjectAltName=IP:$svc,IP:$nodeip,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost" \
    "extendedKeyUsage=serverAuth")"
  sign admin "/O=system:masters/CN=tcptune-admin"
  sign node "/O=system:nodes/CN=system:node:$node"
  sign controller-manager "/CN=system:kube-controller-manager"
  sign scheduler "/CN=system:kube-scheduler"
}

kubeconfig() { # dir name server
  local d=$1 n=$2
  cat > "$d/$n.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$3", certificate-authority: "$d/pki/ca.crt"}
users:
- name: $n
  user: {client-certificate: "$d/pki/$n.crt", client-key: "$d/pki/$n.key"}
contexts:
- name: local
  context: {cluster: local, user: $n}
current-context: local
EOF
}

up() {
  [[ $(id -u) == 0 ]] || die "needs root (kubelet, containerd, runc, CNI)"
  command -v openssl >/dev/null || die "openssl not found"
  command -v nsenter >/dev/null || true
  exec 9>"$LOCK"
  flock -n 9 || die "another node cluster is running on this machine (lock $LOCK): stop it with hack/node-cluster.sh down DIR"
  local cpb nb
  cpb=$(cp_bin); nb=$(node_bin)
  for b in "$cpb"/{etcd,kube-apiserver,kubectl} "$nb"/{kubelet,kube-scheduler,kube-controller-manager,containerd,runc,ctr} "$nb/pause.oci.tar"; do
    [[ -e $b ]] || die "$b missing: run hack/build-control-plane.sh and hack/build-node.sh"
  done

  local id d
  id=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  d=$(mktemp -d "/tmp/tcpt-kc-$id.XXXX")   # short: unix socket paths are limited to 108 bytes
  local net="10.$((0x${id:0:2} % 64 + 128)).$((0x${id:2:2}))"
  local node="tcpt-node-$id" svc="$net.1" nodeip="$net.17"
  cat > "$d/env" <<EOF
RUN_DIR=$d
ID=$id
NODE_NAME=$node
SERVICE_IP=$svc
NODE_IP=$nodeip
SERVICE_CIDR=$net.0/28
POD_CIDR=$net.128/25
BRIDGE=tcptb$id
CGROUP_ROOT=/tcpt-kc-$id
KUBECONFIG=$d/admin.kubeconfig
KUBECTL=$cpb/kubectl
CONTAINERD_SOCKET=$d/containerd.sock
CTR=$nb/ctr
EOF
  for s in "${KUBELET_SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done > "$d/kernel-settings"
  for p in /var/lib/kubelet /var/lib/cni /var/log/containers; do [[ -e $p ]] || echo "$p"; done > "$d/created-host-dirs"
  # From here on a failure tears down what exists.
  trap 'rc=$?; if (( rc )); then log "up failed; logs in $d/logs (kept in $d.failed-logs)"; cp -r "$d/logs" "$d.failed-logs" 2>/dev/null; down "$d" >&2; fi' EXIT
  mkdir -p "$d"/{logs,pids,cni,kubelet,containerd,runc,shim,nri,etcd}

  log "network: bridge tcptb$id (pods $net.129/25, node $nodeip, service $svc)"
  ip link add "tcptb$id" type bridge
  ip addr add "$net.129/25" dev "tcptb$id"
  ip addr add "$nodeip/32" dev "tcptb$id"
  ip addr add "$svc/32" dev "tcptb$id"
  ip link set "tcptb$id" up

  log "certificates"
  pki "$d" "$svc" "$nodeip" "$node"
  local server="https://$svc:443"
  for n in admin node controller-manager scheduler; do kubeconfig "$d" "$n" "$server"; done

  local etcd_port peer_port
  etcd_port=$(free_port); peer_port=$(free_port)
  start() { # name command...
    local name=$1; shift
    "$@" > "$d/logs/$name.log" 2>&1 &
    echo $! > "$d/pids/$name"
  }
  log "etcd on 127.0.0.1:$etcd_port"
  start etcd "$cpb/etcd" --name default --data-dir "$d/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "default=http://127.0.0.1:$peer_port" --listen-metrics-urls ""
  log "kube-apiserver on $server"
  start kube-apiserver "$cpb/kube-apiserver" --bind-address="$svc" --advertise-address="$svc" --secure-port=443 \
    --etcd-servers="http://127.0.0.1:$etcd_port" --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction --allow-privileged=true \
    --client-ca-file="$d/pki/ca.crt" --tls-cert-file="$d/pki/apiserver.crt" --tls-private-key-file="$d/pki/apiserver.key" \
    --kubelet-client-certificate="$d/pki/admin.crt" --kubelet-client-key="$d/pki/admin.key" \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$d/pki/sa.pub" \
    --service-account-signing-key-file="$d/pki/sa.key" --service-cluster-ip-range="$net.0/28"
  kc() { "$cpb/kubectl" --kubeconfig "$d/admin.kubeconfig" --request-timeout=5s "$@"; }
  wait_for 120 "kube-apiserver ready" "$d/pids/kube-apiserver" kc get --raw /readyz || { tail -30 "$d/logs/kube-apiserver.log" >&2; die "kube-apiserver not ready"; }

  log "kube-controller-manager, kube-scheduler"
  start kube-controller-manager "$nb/kube-controller-manager" --kubeconfig="$d/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$d/controller-manager.kubeconfig" --authorization-kubeconfig="$d/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$(free_port)" --leader-elect=false \
    --root-ca-file="$d/pki/ca.crt" --service-account-private-key-file="$d/pki/sa.key" \
    --use-service-account-credentials=true --service-cluster-ip-range="$net.0/28" \
    --controllers='*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route'
  start kube-scheduler "$nb/kube-scheduler" --kubeconfig="$d/scheduler.kubeconfig" \
    --authentication-kubeconfig="$d/scheduler.kubeconfig" --authorization-kubeconfig="$d/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$(free_port)" --leader-elect=false

  # CapBnd bit 24 is CAP_SYS_RESOURCE: without it runc cannot lower oom_score_adj (see docs/testing.md).
  local restrict_oom=false
  (( (0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) >> 24) & 1 )) || restrict_oom=true
  local sock=$d/containerd.sock
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
  restrict_oom_score_adj = $restrict_oom
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$nb/cni"]
    conf_dir = "$d/cni"
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "$nb/runc"
      Root = "$d/runc"
      SystemdCgroup = false
EOF
  # The bridge exists with its address: isGateway stays false, so the plugin neither adds an address
  # nor enables forwarding; the pods' default route comes from IPAM.
  cat > "$d/cni/10-tcptune.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "tcptune", "plugins": [
  {"type": "bridge", "bridge": "tcptb$id", "isGateway": false, "ipMasq": false,
   "ipam": {"type": "host-local", "dataDir": "$d/cni/ipam",
            "ranges": [[{"subnet": "$net.128/25", "gateway": "$net.129"}]],
            "routes": [{"dst": "0.0.0.0/0", "gw": "$net.129"}]}},
  {"type": "loopback"}]}
EOF
  log "containerd ($sock)"
  PATH=$nb:$PATH start containerd "$nb/containerd" --config "$d/containerd.toml"
  ctr() { "$nb/ctr" -a "$sock" "$@"; }
  wait_for 30 "containerd ready" "$d/pids/containerd" ctr version || { tail -30 "$d/logs/containerd.log" >&2; die "containerd did not start"; }
  for image in "$nb/pause.oci.tar" "$@"; do
    ctr -n k8s.io images import --local "$image" >&2
  done

  # The kubelet wants its cgroupRoot in every hierarchy; cpuset needs cpus and mems before use.
  local cg=tcpt-kc-$id
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    mkdir -p "/sys/fs/cgroup/$cg"
  else
    for h in /sys/fs/cgroup/*/; do
      [[ -f ${h}cgroup.procs ]] || continue
      mkdir -p "$h$cg"
      if [[ -f ${h}cpuset.cpus ]]; then
        cat "${h}cpuset.cpus" > "$h$cg/cpuset.cpus"
        cat "${h}cpuset.mems" > "$h$cg/cpuset.mems"
      fi
    done
  fi
  cat > "$d/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $(free_port)
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $(free_port)
authentication: {anonymous: {enabled: false}, webhook: {enabled: true}, x509: {clientCAFile: "$d/pki/ca.crt"}}
authorization: {mode: Webhook}
tlsCertFile: "$d/pki/apiserver.crt"
tlsPrivateKeyFile: "$d/pki/apiserver.key"
containerRuntimeEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: /$cg
failSwapOn: false
failCgroupV1: false
podLogsDir: $d/logs/pods
enforceNodeAllocatable: []
evictionHard: {}
serializeImagePulls: false
EOF
  log "kubelet (node $node)"
  start kubelet "$nb/kubelet" --config "$d/kubelet.yaml" --root-dir "$d/kubelet" --cert-dir "$d/kubelet/pki" \
    --kubeconfig "$d/node.kubeconfig" --hostname-override "$node" --node-ip "$nodeip" --v 2
  wait_for 120 "node $node Ready" "$d/pids/kubelet" kc wait --for=condition=Ready "node/$node" --timeout=2s || {
    tail -40 "$d/logs/kubelet.log" >&2; die "node $node not Ready"; }
  wait_for 60 "namespace default has its ServiceAccount and kube-root-ca.crt" "$d/pids/kube-controller-manager" \
    bash -c "'$cpb/kubectl' --kubeconfig '$d/admin.kubeconfig' -n default get serviceaccount/default configmap/kube-root-ca.crt" \
    || die "kube-controller-manager did not set up namespace default"
  trap - EXIT
  echo "$d"
}

stop_pid() { # file: TERM, up to 10 s, then KILL
  local f=$1 pid
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

down() {
  local d=${1:?usage: $0 down DIR}
  [[ -f $d/env ]] || die "$d is not a node cluster run directory"
  set +e
  # shellcheck disable=SC1091
  source "$d/env"
  local sock=$CONTAINERD_SOCKET
  ctr() { "$CTR" -a "$sock" -n k8s.io "$@"; }
  stop_pid "$d/pids/kubelet"
  if [[ -S $sock ]]; then
    # The pods' containers and sandboxes (CNI DEL is not run: the namespaces go with their mounts).
    for t in $(ctr tasks ls -q 2>/dev/null); do ctr tasks kill -s SIGKILL "$t" >/dev/null 2>&1; done
    for _ in $(seq 20); do
      [[ -z $(ctr tasks ls 2>/dev/null | awk 'NR > 1 && $3 != "STOPPED"') ]] && break; sleep 0.25
    done
    for t in $(ctr tasks ls -q 2>/dev/null); do ctr tasks rm -f "$t" >/dev/null 2>&1; done
    ctr containers ls -q 2>/dev/null > "$d/containers"
    for c in $(cat "$d/containers"); do ctr containers rm "$c" >/dev/null 2>&1; done
  fi
  # Shims outlive containerd (reparented to init); ours name our socket on their command line.
  for p in /proc/[0-9]*; do
    if { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -q -- "-address $sock "; then kill -9 "${p#/proc/}" 2>/dev/null; fi
  done
  stop_pid "$d/pids/containerd"
  stop_pid "$d/pids/kube-scheduler"
  stop_pid "$d/pids/kube-controller-manager"
  # kube-apiserver before etcd: with etcd gone first its graceful shutdown hangs.
  stop_pid "$d/pids/kube-apiserver"
  stop_pid "$d/pids/etcd"
  # Deepest mounts first: pod volumes, overlay root file systems, network namespace files.
  awk -v d="$d/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  ip link del "$BRIDGE" 2>/dev/null
  for h in /sys/fs/cgroup/ /sys/fs/cgroup/*/; do
    [[ -d $h${CGROUP_ROOT#/} ]] && find "$h${CGROUP_ROOT#/}" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # The kubelet's kernel settings back as they were.
  while IFS== read -r k v; do [[ -n $k ]] && sysctl -q -w "$k=$v" >/dev/null; done < "$d/kernel-settings"
  # What the kubelet and libcni write outside any configurable root: our entries, and the
  # directories when this run created them.
  find /var/log/containers -maxdepth 1 -lname "$d/*" -delete 2>/dev/null
  for c in $(cat "$d/containers" 2>/dev/null); do rm -f /var/lib/cni/results/*-"$c"-*; done
  if grep -qx /var/lib/kubelet "$d/created-host-dirs"; then rm -f /var/lib/kubelet/device-plugins/kubelet.sock; fi
  while read -r p; do [[ -n $p ]] && find "$p" -depth -type d -empty -delete 2>/dev/null; done < "$d/created-host-dirs"
  rm -rf "$d"
  log "node cluster $ID removed"
  return 0
}

smoke() {
  smoke_dir=$(up)
  trap 'down "$smoke_dir"' EXIT
  # shellcheck disable=SC1091
  source "$smoke_dir/env"
  kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }
  kc run smoke --image=registry.k8s.io/pause:tcptune --image-pull-policy=Never --restart=Never
  kc wait --for=condition=Ready pod/smoke --timeout=60s
  kc get nodes,pods -o wide
  echo "==> a pod runs on a real kubelet here"
}

case ${1:-} in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  smoke) smoke ;;
  *) echo "usage: $0 up [IMAGE.oci.tar...] | down DIR | smoke" >&2; exit 2 ;;
esac
