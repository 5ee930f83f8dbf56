#!/usr/bin/env bash
# Makes a Docker engine and the test base image available, idempotently (CI and developers):
#  1. installs docker.io and debootstrap from Debian's packages if missing;
#  2. starts dockerd (no iptables, no bridge: containers get loopback only) unless one answers;
#  3. builds the Python base image once: debootstrap minbase with python3, pip and zip, imported
#     with WORKDIR /var/task. Nothing is pulled from any registry.
# Prints the image name last. Env: JUNI_TEST_IMAGE (default juni-test/python:bookworm).
set -euo pipefail
IMAGE="${JUNI_TEST_IMAGE:-juni-test/python:bookworm}"
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

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  rootfs=$(mktemp -d /var/tmp/juni-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  # Use the same Debian mirror apt is configured with on this machine.
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  log "building $IMAGE with debootstrap (about 40 s)"
  debootstrap --variant=minbase --include=python3,python3-pip,zip bookworm "$rootfs" ${mirror:+"$mirror"} >/var/log/juni-debootstrap.log 2>&1 \
    || { log "debootstrap failed; see /var/log/juni-debootstrap.log"; tail -20 /var/log/juni-debootstrap.log >&2; exit 1; }
  tar -C "$rootfs" -c . | docker import -c 'WORKDIR /var/task' - "$IMAGE" >/dev/null
fi
log "engine up, image $IMAGE ready"
echo "$IMAGE"
