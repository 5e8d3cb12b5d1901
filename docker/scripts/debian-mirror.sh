#!/bin/sh
# Prints the URI this machine's apt uses for SUITE (e.g. bookworm, bookworm-security), read from
# /etc/apt/sources.list and /etc/apt/sources.list.d/*.list (one-line format) or *.sources (deb822).
# The images are built from the same mirror as the machine, so they need no other network access.
set -eu
suite=$1

for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -r "$file" ] || continue
  # deb [options] URI SUITE COMPONENTS...
  uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$file" | awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2; exit }')
  [ -n "$uri" ] && echo "$uri" && exit 0
done

for file in /etc/apt/sources.list.d/*.sources; do
  [ -r "$file" ] || continue
  uri=$(awk -v suite="$suite" '
    function check() {
      if (enabled != "no" && types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
        split(uris, list, " "); print list[1]; found = 1; exit
      }
      types = uris = suites = enabled = ""
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { check(); next }
    { key = tolower($1); $1 = ""; sub(/^ +/, "") }
    key == "types:" { types = $0 } key == "uris:" { uris = $0 }
    key == "suites:" { suites = $0 } key == "enabled:" { enabled = tolower($0) }
    END { if (!found) check() }
  ' "$file")
  [ -n "$uri" ] && echo "$uri" && exit 0
done

echo "debian-mirror: no apt source for '$suite' in /etc/apt" >&2
exit 1
