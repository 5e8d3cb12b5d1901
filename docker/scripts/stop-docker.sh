#!/bin/sh
# Stops the dockerd that ensure-docker.sh started (and only that one: it is found by its pid file),
# waiting for it to shut its containers down cleanly.
set -eu

PIDFILE=${NODE_INIT_DOCKERD_PIDFILE:-/var/run/node-init-dockerd.pid}
[ -s "$PIDFILE" ] || exit 0
pid=$(cat "$PIDFILE")
kill -TERM "$pid" 2>/dev/null || exit 0
tries=0
while kill -0 "$pid" 2>/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -gt 60 ]; then
    echo "stop-docker: dockerd ($pid) still running after 30 s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "stop-docker: dockerd stopped" >&2
