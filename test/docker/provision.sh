#!/usr/bin/env bash
# Makes a Docker engine and the test images available, idempotently (CI and developers):
#  1. installs docker.io and debootstrap from Debian's packages if missing;
#  2. starts dockerd (no iptables, no bridge: containers get loopback only) unless one answers;
#  3. builds the Python base image once: debootstrap minbase with python3, pip and zip, imported
#     with WORKDIR /var/task. It stands for a plain Python runtime (no libyaml, no compiler);
#  4. builds the native build image once: the same, plus a C compiler, the Python headers and
#     libyaml's, so pip can compile C extensions that link libyaml (the native-library tests).
# Nothing is pulled from any registry. Prints the base image name last.
# Env: JUNI_TEST_IMAGE (default juni-test/python:bookworm), JUNI_NATIVE_IMAGE (default
# juni-test/native:bookworm).
set -euo pipefail
IMAGE="${JUNI_TEST_IMAGE:-juni-test/python:bookworm}"
NATIVE_IMAGE="${JUNI_NATIVE_IMAGE:-juni-test/native:bookworm}"
log() { echo "provision: $*" >&2; }

need_packages=()
command -v dockerd >/dev/null 2>&1 || need_packages+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need_packages+=(debootstrap)
if [ ${#need_packages[@]} -gt 0 ]; then
  log "installing ${need_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd --iptables=false --bridge=none >/var/log/juni-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/juni-dockerd.log"; tail -20 /var/log/juni-dockerd.log >&2; exit 1; }
fi

# debootstrap_image IMAGE PACKAGES(comma-separated) EXPECTED_TIME: builds IMAGE unless the engine has it.
debootstrap_image() {
  local image="$1" packages="$2" expected="$3" rootfs mirror started
  if docker image inspect "$image" >/dev/null 2>&1; then return 0; fi
  rootfs=$(mktemp -d /var/tmp/juni-rootfs.XXXXXX)
  # A failed or interrupted build leaves no half-made root file system behind.
  trap 'rm -rf "$rootfs"' EXIT
  # Use the same Debian mirror apt is configured with on this machine.
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  log "building $image with debootstrap ($expected)"
  started=$SECONDS
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" ${mirror:+"$mirror"} >/var/log/juni-debootstrap.log 2>&1 \
    || { log "debootstrap failed; see /var/log/juni-debootstrap.log"; tail -20 /var/log/juni-debootstrap.log >&2; exit 1; }
  tar -C "$rootfs" -c . | docker import -c 'WORKDIR /var/task' - "$image" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  log "built $image in $((SECONDS - started)) s"
}

# The plain Python runtime: no compiler, no libyaml (what a zip meets on Lambda, roughly).
debootstrap_image "$IMAGE" python3,python3-pip,zip "about 40 s"
# setuptools and wheel come from Debian: pip builds there without an index and without isolation.
debootstrap_image "$NATIVE_IMAGE" \
  python3,python3-pip,python3-dev,python3-setuptools,python3-wheel,gcc,libc6-dev,libyaml-dev,zip "about 1 min"
log "engine up, images $IMAGE and $NATIVE_IMAGE ready"
echo "$IMAGE"
