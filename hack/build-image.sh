#!/usr/bin/env bash
# Builds the tcptune container image with no container daemon and no registry:
#
#   the shaded jar  +  a JRE cut to the modules the jar needs (jdeps + jlink, from the local JDK 17)
#   +  ip and ss (Debian's iproute2)  +  the shared libraries all of them need (Debian packages,
#   fetched with apt-get download from this machine's package sources, unpacked with dpkg-deb -x)
#
# assembled into an OCI image archive by hack/image/ociimage (go-containerregistry, built from the
# Go module proxy):
#
#   target/image/tcptune-<version>.oci.tar   (ctr images import / podman load / docker load)
#
# Does nothing when the archive is up to date (same jar, JDK, package versions and script).
# The Dockerfile at the repository root builds the same image for users with a daemon.
#
# Usage: hack/build-image.sh [--force] [--print-path] [--rootfs DIR] [--help]
#
#   --rootfs DIR   only assemble the image's file system into DIR (empty or absent) and stop: no Go,
#                  no archive. The Dockerfile uses it, so both builds put the same files in the image.
#
# Environment:
#   JAR               the jar to package (default: operator/app/target/tcptune.jar; built with
#                     mvn when missing)
#   IMAGE_NAME        image name without tag (default: ghcr.io/tcptune/tcptune)
#   JAVA_HOME         the JDK 17 to take jdeps and jlink from (default: the one `javac` is in)
#   TCPTUNE_IMAGE_CACHE  downloaded packages, the JRE and the tool (default:
#                     ${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-image)
#   TCPTUNE_GOPATH    GOPATH for building the tool (default: ${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-go)
#   GO                go binary (default: go on PATH), Go >= the go line of hack/image/ociimage/go.mod
#   SOURCE_DATE_EPOCH timestamps inside the image (default: the last commit's time, else 0)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

force=0
print_path=0
rootfs_out=
while (( $# )); do
  arg=$1; shift
  case $arg in
    --force) force=1 ;;
    --print-path) print_path=1 ;;
    --rootfs) (( $# )) || { echo "error: --rootfs needs a directory" >&2; exit 2; }; rootfs_out=$1; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "error: unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "error: $*" >&2; exit 1; }
trap 'echo "error: ${BASH_SOURCE[0]}:$LINENO: $BASH_COMMAND failed" >&2' ERR
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { # start [end] -> "12.3s" / "7m 05s"
  awk -v s="$1" -v e="${2:-$(now)}" 'BEGIN { d = e - s; if (d < 60) printf "%.1fs", d;
    else printf "%dm %02ds", int(d / 60), int(d) % 60 }'
}
sha() { sha256sum "$@" | awk '{print $1}'; }

# --- what goes in --------------------------------------------------------------------------------
version=$(sed -n '/<artifactId>tcptune-parent<\/artifactId>/,/<\/version>/s/.*<version>\(.*\)<\/version>.*/\1/p' "$root/pom.xml" | head -n1)
[[ -n $version ]] || die "cannot read the project version from pom.xml"
image_name=${IMAGE_NAME:-ghcr.io/tcptune/tcptune}
out_dir=$root/target/image
archive=$out_dir/tcptune-$version.oci.tar
if (( print_path )); then echo "$archive"; exit 0; fi

jar=${JAR:-$root/operator/app/target/tcptune.jar}
cache=${TCPTUNE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-image}
arch=$(dpkg --print-architecture 2>/dev/null) || die "dpkg not found: the image is assembled from Debian packages"
[[ $arch == amd64 ]] || die "only amd64 is supported (this machine: $arch)"
for tool in apt-get apt-cache dpkg-deb readelf tar gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install binutils for readelf)"
done

if [[ -z ${JAVA_HOME:-} ]]; then
  javac=$(command -v javac) || die "javac not found: set JAVA_HOME to a JDK 17"
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$javac")")")
fi
[[ -x $JAVA_HOME/bin/jlink && -d $JAVA_HOME/jmods ]] \
  || die "$JAVA_HOME has no jlink or jmods: a full JDK 17 is needed (openjdk-17-jdk-headless)"
jdk_release=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")
[[ $jdk_release == 17* ]] || die "$JAVA_HOME is Java $jdk_release; the image needs Java 17"

t_total=$(now)
if [[ ! -f $jar ]]; then
  echo "--- $jar missing: building it (mvn package -DskipTests)"
  (cd "$root" && mvn -B -q -pl operator/app -am package -DskipTests) || die "mvn package failed"
fi

# What the archive is made of; it is rebuilt when any of it changes, e.g. a security update of one
# of its Debian packages (the names of the last build's packages are kept next to the archive).
packages_file=$archive.packages
inputs() { # package names... -> the stamp text
  local versions
  versions=$(apt-cache policy "$@" | awk '/^[^ ]/ {p=$1} /Candidate:/ {print p, $2}')
  grep -q '(none)' <<<"$versions" && die "no Debian package candidate for some of $*; run apt-get update"
  printf '%s\n' "script $(sha "${BASH_SOURCE[0]}")" "jar $(sha "$jar")" \
    "tool $(cat "$here/image/ociimage/"{go.mod,go.sum,main.go} | sha -)" "jdk $jdk_release" \
    "name $image_name:$version" "$versions"
}
roots=(iproute2 libc6 zlib1g)
stamp=$archive.inputs
if [[ -n $rootfs_out ]]; then
  [[ ! -e $rootfs_out || -z $(ls -A "$rootfs_out") ]] || die "--rootfs $rootfs_out is not empty"
elif (( ! force )) && [[ -f $archive && -f $stamp && -f $packages_file ]] \
  && [[ $(cat "$stamp") == "$(inputs $(cut -d= -f1 "$packages_file" | LC_ALL=C sort))" ]]; then
  echo "image up to date: $archive"
  exit 0
fi
echo "==> building image $image_name:$version -> ${rootfs_out:-$archive}"
mkdir -p "$cache" "$out_dir"
work=$(mktemp -d "$out_dir/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"

# --- the assembly tool ---------------------------------------------------------------------------
build_tool() { # -> sets ociimage
  local t go tool_hash
  t=$(now)
  tool_hash=$(cat "$here/image/ociimage/"{go.mod,go.sum,main.go} | sha -)
  ociimage=$cache/bin/ociimage-${tool_hash:0:16}
  if [[ -x $ociimage ]]; then
    echo "--- OCI assembly tool cached [$(elapsed "$t")]"
    return
  fi
  go=${GO:-go}
  command -v "$go" >/dev/null 2>&1 \
    || die "'$go' not found: building hack/image/ociimage needs Go (see docs/image.md)"
  export GOPATH=${TCPTUNE_GOPATH:-${XDG_CACHE_HOME:-$HOME/.cache}/tcptune-go}
  mkdir -p "$cache/bin"
  (cd "$here/image/ociimage" && GOMODCACHE=$GOPATH/pkg/mod GOCACHE=$GOPATH/build-cache \
    GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    "$go" build -trimpath -buildvcs=false -o "$ociimage.tmp" .) || die "building ociimage failed"
  mv -f "$ociimage.tmp" "$ociimage"
  echo "--- built the OCI assembly tool from the Go module proxy [$(elapsed "$t")]"
}
[[ -n $rootfs_out ]] || build_tool

# --- JRE -----------------------------------------------------------------------------------------
t=$(now)
# jdeps finds the modules the jar's classes use; jdk.crypto.ec is a service provider it cannot see
# (TLS with the API server negotiates ECDHE).
modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$jar"),jdk.crypto.ec
# --generate-cds-archive: the JRE's own class-data archive (lib/server/classes.jsa), which the
# JDK ships and jlink leaves out by default; the agent's archive below is layered on top of it.
jre=$cache/jre-$(printf '%s %s cds' "$jdk_release" "$modules" | sha - | cut -c1-16)
if [[ ! -d $jre ]]; then
  rm -rf "$jre.tmp"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=2 --generate-cds-archive --output "$jre.tmp" >/dev/null
  mv "$jre.tmp" "$jre"
  echo "--- jlinked a JRE of $modules [$(elapsed "$t")]"
else
  echo "--- JRE of $modules cached [$(elapsed "$t")]"
fi
mkdir -p "$rootfs/opt"
cp -a "$jre" "$rootfs/opt/java"
# The JRE's security files are links into /etc on Debian: make them files in the image.
for f in "$rootfs/opt/java/lib/security/"* "$rootfs/opt/java/conf/security/"*; do
  if [[ -L $f ]]; then cp --remove-destination "$(readlink -f "$f")" "$f" 2>/dev/null || rm -f "$f"; fi
done
# The archive for heaps above 32 GiB (no compressed oops): neither the operator nor the agent has one.
rm -f "$rootfs/opt/java/lib/server/classes_nocoops.jsa"
# java.desktop comes in for java.beans (Jackson, SnakeYAML); its AWT, font, image and sound
# natives would need X11 and friends and are never loaded by a headless server.
rm -f "$rootfs"/opt/java/lib/lib{awt,awt_headless,awt_xawt,fontmanager,javajpeg,jawt,jsound,lcms,mlib_image,splashscreen}.so

# --- Debian packages: iproute2 (ip, ss) and every shared library --------------------------------
t=$(now)
debs=$cache/debs
mkdir -p "$debs"
download() { # package... -> the .deb paths, downloading what the cache lacks
  local p v file
  for p in "$@"; do
    v=$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')
    [[ -n $v && $v != "(none)" ]] || die "no Debian package candidate for $p"
    file=$(ls "$debs/${p}_${v/:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
    if [[ -z $file ]]; then
      # The cache belongs to whoever runs this; apt's _apt download user may not write there.
      (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$p=$v" >/dev/null) \
        || die "apt-get download $p=$v failed"
      file=$(ls "$debs/${p}_${v/:/%3a}_"*.deb | head -n1)
    fi
    echo "$file"
  done
}
declare -A unpacked=()
unpack() { # package...
  local p f
  for p in "$@"; do
    [[ -n ${unpacked[$p]:-} ]] && continue
    f=$(download "$p")
    dpkg-deb -x "$f" "$rootfs"
    unpacked[$p]=$(basename "$f")
  done
}
unpack "${roots[@]}"
# Of iproute2 only ip and ss (tc, bridge, devlink, ... would pull in more libraries).
for d in bin sbin usr/bin usr/sbin; do
  [[ -d $rootfs/$d ]] && find "$rootfs/$d" -mindepth 1 ! -type d ! -name ip ! -name ss -delete
done
# glibc's iconv modules: Java converts charsets itself.
rm -rf "$rootfs/usr/lib/tc" "$rootfs/usr/lib/x86_64-linux-gnu/tc" "$rootfs/usr/share/bash-completion" \
  "$rootfs/usr/lib/x86_64-linux-gnu/gconv"

# Which package ships a soname: the packages installed on this machine know (dpkg -S); iproute2
# and the JDK are installed here, so their libraries' packages are too.
package_of() {
  dpkg -S "*/$1" 2>/dev/null | awk -F': ' '{print $1}' | cut -d: -f1 | grep -v -- '-dev$' | head -n1
}
lib_dirs=(lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 opt/java/lib opt/java/lib/server)
missing_libs() { # every NEEDED soname of every ELF file that no library directory of the image has
  find "$rootfs" -type f \( -perm -u+x -o -name '*.so*' \) -print0 \
    | { xargs -0 readelf -d 2>/dev/null || true; } | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u \
    | while read -r so; do
        local d found=0
        for d in "${lib_dirs[@]}"; do [[ -e $rootfs/$d/$so ]] && { found=1; break; }; done
        (( found )) || echo "$so"
      done
}
for round in 1 2 3 4 5 6 7 8; do
  need=$(missing_libs)
  [[ -z $need ]] && break
  pkgs=()
  for so in $need; do
    [[ -e $jre/lib/$so || -e $JAVA_HOME/lib/$so ]] && die "$so is a JDK library left out of the image, but something in /opt/java needs it"
    p=$(package_of "$so")
    [[ -n $p ]] || die "no installed Debian package ships $so (needed in the image); install the package that has it"
    pkgs+=("$p")
  done
  unpack $(printf '%s\n' "${pkgs[@]}" | sort -u)
done
[[ -z $(missing_libs) ]] || die "libraries still missing after 8 rounds: $(missing_libs | tr '\n' ' ')"
rm -rf "$rootfs"/usr/share/{doc,man,info,locale,lintian,bug,gdb}
echo "--- ${#unpacked[@]} Debian packages unpacked: $(printf '%s\n' "${!unpacked[@]}" | sort | tr '\n' ' ')[$(elapsed "$t")]"

# --- the rest of the file system -----------------------------------------------------------------
install -m 0644 "$jar" "$rootfs/tcptune.jar"
mkdir -p "$rootfs"/{etc,var/lib/tcptune,root,proc,sys,dev,run}
install -d -m 1777 "$rootfs/tmp"
# The operator runs as 65532 (non-root); the agent's pod sets uid 0 with NET_ADMIN alone.
printf 'root:x:0:0:root:/root:/sbin/nologin\ntcptune:x:65532:65532:tcptune:/nonexistent:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\ntcptune:x:65532:\n' > "$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
printf '%s\n' "${unpacked[@]}" | sed 's/_amd64\.deb$//; s/%3a/:/; s/_/=/' | sort > "$rootfs/etc/tcptune-image-packages"

# --- the agent's class-data archive --------------------------------------------------------------
# The agent would otherwise parse and keep about 5,000 classes (fabric8, Jackson, Micrometer) in
# its own metaspace; mapped from a shared archive they cost less resident memory, and file-backed
# pages the kernel may drop. A JDK 17 archive is only used by the same JVM with the same class
# path and the jar's modification time, so the training run (the agent against a stub API server
# in its own process, nothing written to this machine) runs inside the image's file system with
# the jar dated as the image's tar will date it. AgentDaemonSet.JVM_FLAGS points at the archive;
# without it (a build that can neither chroot nor use a user namespace) the agent runs the same,
# only larger.
t=$(now)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
touch -d "@$epoch" "$rootfs/tcptune.jar"
mkdir -p "$rootfs/opt/tcptune"
# The agent maps the archive at its fixed address (ArchiveRelocationMode=0, see
# AgentDaemonSet.JVM_FLAGS); it is made the same way.
train=(/opt/java/bin/java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -XX:-UsePerfData -Xlog:cds=off
  -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0
  -XX:ArchiveClassesAtExit=/opt/tcptune/agent.jsa -jar /tcptune.jar agent --training-run)
train_in_image() {
  if (( EUID == 0 )); then
    unshare --mount --pid --fork --mount-proc "--root=$rootfs" -- "${train[@]}" && return
    # docker build gives root without CAP_SYS_ADMIN (no new mount namespace) but may chroot;
    # without /proc the java launcher cannot find libjli.so by itself.
    LD_LIBRARY_PATH=/opt/java/lib chroot "$rootfs" "${train[@]}"
  else
    unshare --user --map-root-user --mount --pid --fork --mount-proc "--root=$rootfs" -- "${train[@]}"
  fi
}
if train_in_image > "$work/training.log" 2>&1 && [[ -s $rootfs/opt/tcptune/agent.jsa ]]; then
  chmod 0644 "$rootfs/opt/tcptune/agent.jsa"
  find "$rootfs/tmp" -mindepth 1 -delete
  echo "--- agent class-data archive: $(du -b "$rootfs/opt/tcptune/agent.jsa" | awk '{printf "%.1f MB", $1 / 1e6}') [$(elapsed "$t")]"
else
  rm -f "$rootfs/opt/tcptune/agent.jsa"
  echo "--- warning: no agent class-data archive (the training run failed; the agent works without it):" >&2
  tail -n 20 "$work/training.log" >&2
fi

if [[ -n $rootfs_out ]]; then
  mkdir -p "$rootfs_out"
  cp -a "$rootfs/." "$rootfs_out/"
  echo "==> file system in $rootfs_out: $(du -sb "$rootfs_out" | awk '{printf "%.1f MB", $1 / 1e6}') [total $(elapsed "$t_total")]"
  exit 0
fi

# --- layer and image -----------------------------------------------------------------------------
t=$(now)
(cd "$rootfs" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort) > "$work/files"
tar --no-recursion --numeric-owner --owner=0 --group=0 --mtime="@$epoch" --format=pax \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$rootfs" -cf "$work/layer.tar" -T "$work/files"
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
"$ociimage" -layer "$work/layer.tar" -out "$work/oci" -name "$image_name:$version" -created "$created" \
  -entrypoint /opt/java/bin/java,-jar,/tcptune.jar -user 65532:65532 -workdir / \
  -env PATH=/usr/sbin:/usr/bin:/sbin:/bin:/opt/java/bin -env JAVA_HOME=/opt/java \
  -label org.opencontainers.image.title=tcptune \
  -label "org.opencontainers.image.description=Declarative TCP tuning for Kubernetes nodes: operator and node agent" \
  -label "org.opencontainers.image.version=$version" \
  -label "org.opencontainers.image.revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)" \
  -label "org.opencontainers.image.created=$created" \
  -label "dev.tcptune.debian-packages=$(printf '%s\n' "${unpacked[@]}" | sed 's/_amd64\.deb$//; s/%3a/:/; s/_/=/' | sort | tr '\n' ' ' | sed 's/ $//')"
find "$work/oci" -type d -exec chmod 0755 {} + && find "$work/oci" -type f -exec chmod 0644 {} +
(cd "$work/oci" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort) > "$work/oci-files"
tar --no-recursion --numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
  -C "$work/oci" -cf "$work/image.tar" -T "$work/oci-files"
mv -f "$work/image.tar" "$archive"
cp "$rootfs/etc/tcptune-image-packages" "$packages_file"
inputs $(printf '%s\n' "${!unpacked[@]}" | LC_ALL=C sort) > "$stamp"
echo "--- assembled [$(elapsed "$t")]"
unpacked_size=$(du -sb "$rootfs" | awk '{print $1}')
mb() { awk -v b="$1" 'BEGIN {printf "%.1f MB", b / 1e6}'; }
jre_size=$(du -sb "$rootfs/opt/java" | awk '{print $1}')
jar_size=$(du -sb "$rootfs/tcptune.jar" | awk '{print $1}')
echo "    unpacked: JRE $(mb "$jre_size"), jar $(mb "$jar_size"), Debian packages and the rest $(mb $((unpacked_size - jre_size - jar_size)))"
echo "==> $archive: $(mb "$(du -b "$archive" | awk '{print $1}')") (layer gzip), $(mb "$unpacked_size") unpacked [total $(elapsed "$t_total")]"
