#!/usr/bin/env bash
# Builds berth-base:local, a base image for deploy/compose/Dockerfile without pulling anything:
# a minimal Debian root (debootstrap, from Debian's package mirror) plus a JDK from this machine.
#   deploy/compose/local-base.sh [JDK_DIR]     (default: the JDK ./mvnw picks)
set -euo pipefail
cd "$(dirname "$0")/../.."
jdk="${1:-$( . .mvn/pick-jdk.sh >/dev/null && echo "$JAVA_HOME")}"
[ -x "$jdk/bin/java" ] || { echo "no java in $jdk" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "debootstrap (about a minute)..."
debootstrap --variant=minbase bookworm "$work/root" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
mkdir -p "$work/root/opt/java"
cp -a "$jdk/." "$work/root/opt/java/"
ln -sf /opt/java/bin/java "$work/root/usr/local/bin/java"
tar -C "$work/root" -c . | docker import - berth-base:local
echo "built berth-base:local"
