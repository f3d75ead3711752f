# Sourced by ./mvnw and ./berth (POSIX sh). Berth needs a JDK >= 21, while many
# machines default to an older `java`; pick one so the README commands just work.
# Order: $JAVA_HOME if it is >= 21, then `java` on the PATH, then the newest JDK
# under /usr/lib/jvm. Fails with a message that says what to install.
berth_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
berth_pick_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    [ "$(berth_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(berth_java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      JAVA_HOME=$candidate; export JAVA_HOME; return 0
    fi
  fi
  best="" best_major=0
  set +f # ./mvnw runs with globbing off
  for dir in /usr/lib/jvm/*; do
    [ -x "$dir/bin/javac" ] || continue
    major=$(berth_java_major "$dir")
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$dir best_major=$major
    fi
  done
  if [ -n "$best" ]; then
    JAVA_HOME=$best; export JAVA_HOME; return 0
  fi
  echo "berth: a JDK 21 or newer is needed, and none was found (JAVA_HOME, PATH, /usr/lib/jvm)." >&2
  echo "berth: install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+, or set JAVA_HOME." >&2
  return 1
}
berth_pick_jdk || exit 1
