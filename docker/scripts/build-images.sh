#!/bin/sh
# Builds every image of docker/: the offline base (only when missing), node-init, the Node app example
# and the examples (redis on node-init, the same redis on dumb-init + gosu, docker.sock, DMI).
# Docker's layer cache makes a re-run with unchanged sources take seconds.
set -eu
cd "$(dirname "$0")/../.."

BASE=${NODE_INIT_BASE_IMAGE:-node-init-base:bookworm-node24}
# The classic builder: this engine has no BuildKit frontend image to pull and no registry to pull it from.
export DOCKER_BUILDKIT=0

docker image inspect "$BASE" >/dev/null 2>&1 || sh docker/scripts/build-base.sh "$BASE"

# Certificates this machine added to its trust store (Debian's place for local CAs), for a proxy that
# intercepts TLS to the npm registry; npm inside the build would not trust it otherwise.
extra_ca=$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)

build() {
  tag=$1
  shift
  echo "build-images: $tag" >&2
  # The host's network: this engine's containers have none (dockerd runs with --bridge=none).
  docker build --force-rm --network host --build-arg BASE="$BASE" -t "$tag" "$@" >.cache/docker/build.log 2>&1 ||
    { tail -n 40 .cache/docker/build.log >&2; echo "build-images: $tag failed (log: .cache/docker/build.log)" >&2; exit 1; }
}

mkdir -p .cache/docker
build node-init-example/node-init:test --target node-init --build-arg EXTRA_CA_CERTS="$extra_ca" -f docker/Dockerfile .
build node-init-example/node-app:test --build-arg EXTRA_CA_CERTS="$extra_ca" -f docker/Dockerfile .
build node-init-example/redis-gosu:test --target gosu docker/examples/redis
build node-init-example/redis:test docker/examples/redis
build node-init-example/docker-socket:test docker/examples/docker-socket
build node-init-example/dmi:test docker/examples/dmi
docker image ls --filter reference='node-init-example/*' --filter reference="$BASE" >&2
