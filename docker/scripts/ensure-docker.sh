#!/bin/sh
# Makes a Docker engine available for the image builds and the end-to-end tests: installs docker.io and
# debootstrap when missing, and starts dockerd when no engine answers. CI machines start with neither.
# dockerd runs without iptables and without the default bridge: these machines give containers no
# network (`docker run --network none`), and builds use the host's (`docker build --network host`).
# Idempotent. Stop the engine it started with docker/scripts/stop-docker.sh.
set -eu

PIDFILE=${NODE_INIT_DOCKERD_PIDFILE:-/var/run/node-init-dockerd.pid}
LOG=${NODE_INIT_DOCKERD_LOG:-/var/log/node-init-dockerd.log}

missing=""
command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
if [ -n "$missing" ]; then
  echo "ensure-docker: installing$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi

echo "ensure-docker: starting dockerd (log: $LOG)" >&2
# setsid and no inherited stdio: the engine must not keep the caller's terminal or CI's pipes open.
setsid dockerd --iptables=false --ip6tables=false --bridge=none --pidfile "$PIDFILE" \
  </dev/null >>"$LOG" 2>&1 &

tries=0
until docker info >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 120 ]; then
    echo "ensure-docker: dockerd did not answer within 60 s; last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done
echo "ensure-docker: $(docker version --format 'engine {{.Server.Version}}')" >&2
