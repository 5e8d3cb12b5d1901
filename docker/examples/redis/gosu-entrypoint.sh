#!/bin/sh
# The shell entrypoint node-init's flags replace (stage gosu of the Dockerfile). Runs twice: as root it gives
# /data to redis and runs itself again as redis through gosu; as redis it sets the umask and execs.
set -e

# An option first (`docker run IMAGE --port 7777`) or a file ending in .conf means arguments for
# redis-server (the official image's rule).
case $1 in -* | *.conf) set -- redis-server "$@" ;; esac

if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  # Follows symlinks: a link in the volume to a root file gets that file chowned (see FACTS).
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi

[ "$(umask)" != 0022 ] || umask 0077
exec "$@"
