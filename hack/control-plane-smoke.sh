#!/usr/bin/env bash
# Starts the control plane built by hack/build-control-plane.sh by hand, on loopback only, the way
# fabric8 kube-api-test does (etcd + kube-apiserver, RBAC, service-account key made with openssl,
# client certificate in system:masters), checks `kubectl get --raw /readyz` and the default
# namespace, then stops both processes and deletes every temp file.
#
# Usage: hack/control-plane-smoke.sh
# Environment: KUBE_API_TEST_DIR (as for the build script), SMOKE_ETCD_PORT (default 23791),
#              SMOKE_ETCD_PEER_PORT (23801), SMOKE_APISERVER_PORT (26443), SMOKE_TIMEOUT (60 s)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "error: $*" >&2; exit 1; }
bin=$("$here/build-control-plane.sh" --print-dir)
for b in etcd kube-apiserver kubectl; do
  [[ -x $bin/$b ]] || die "$bin/$b missing: run hack/build-control-plane.sh first"
done
command -v openssl >/dev/null 2>&1 || die "openssl not found"

etcd_port=${SMOKE_ETCD_PORT:-23791}
peer_port=${SMOKE_ETCD_PEER_PORT:-23801}
api_port=${SMOKE_APISERVER_PORT:-26443}
timeout=${SMOKE_TIMEOUT:-60}
for p in "$etcd_port" "$peer_port" "$api_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "127.0.0.1:$p is in use; set SMOKE_*_PORT"; fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcptune-cp-smoke.XXXXXX")
etcd_pid=
api_pid=
stop() { # pid: TERM, up to 10 s, then KILL
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  # kube-apiserver first: with etcd already gone its graceful shutdown hangs.
  stop "$api_pid"
  stop "$etcd_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

openssl genrsa -out "$tmp/sa.key" 2048 2>/dev/null
openssl req -x509 -new -nodes -newkey rsa:2048 -days 1 -subj "/CN=tcptune-smoke-ca" \
  -keyout "$tmp/ca.key" -out "$tmp/ca.crt" 2>/dev/null
openssl req -new -nodes -newkey rsa:2048 -subj "/O=system:masters/CN=smoke-admin" \
  -keyout "$tmp/admin.key" -out "$tmp/admin.csr" 2>/dev/null
openssl x509 -req -days 1 -in "$tmp/admin.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
  -CAcreateserial -out "$tmp/admin.crt" 2>/dev/null

start=${EPOCHREALTIME/,/.}
"$bin/etcd" --name default --data-dir "$tmp/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" > "$tmp/etcd.log" 2>&1 &
etcd_pid=$!
"$bin/kube-apiserver" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
  --cert-dir="$tmp/certs" --etcd-servers="http://127.0.0.1:$etcd_port" --authorization-mode=RBAC \
  --service-account-issuer=https://localhost --service-account-key-file="$tmp/sa.key" \
  --service-account-signing-key-file="$tmp/sa.key" --client-ca-file="$tmp/ca.crt" \
  --service-cluster-ip-range=10.0.0.0/24 > "$tmp/apiserver.log" 2>&1 &
api_pid=$!

kc() {
  KUBECONFIG=/dev/null "$bin/kubectl" --server="https://127.0.0.1:$api_port" \
    --certificate-authority="$tmp/certs/apiserver.crt" --client-certificate="$tmp/admin.crt" \
    --client-key="$tmp/admin.key" --request-timeout=5s "$@"
}
deadline=$(( SECONDS + timeout ))
until kc get --raw /readyz >/dev/null 2>&1; do
  if ! kill -0 "$api_pid" 2>/dev/null || ! kill -0 "$etcd_pid" 2>/dev/null || (( SECONDS > deadline )); then
    echo "--- etcd log (tail)" >&2; tail -n 20 "$tmp/etcd.log" >&2
    echo "--- kube-apiserver log (tail)" >&2; tail -n 40 "$tmp/apiserver.log" >&2
    die "control plane not ready within ${timeout}s"
  fi
  sleep 0.25
done
ready=$(awk -v s="$start" -v e="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f", e - s }')
echo "readyz: $(kc get --raw /readyz) after ${ready}s"
until kc get ns default >/dev/null 2>&1; do (( SECONDS > deadline )) && die "no default namespace"; sleep 0.25; done
echo "server: $(kc version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -n1), namespace default present"
echo "smoke test passed"
