# Sourced by the launchers in bin/ once they have set APP_HOME and die(): picks the java to run and sets JAVACMD
# and feature (its feature version: 17, 21, 25...). The image's own runtime/ (made by spa-assemble --jlink) comes
# first, unless java_home_first=yes and JAVA_HOME is set; then JAVA_HOME, then java on the PATH.

# Shell built-ins where they suffice: each program this script starts costs milliseconds on every run.
# Sets feature to the feature version of a java launcher (17, 21, 25...): from its JDK's release file, else
# from -version.
java_feature() {
  real=$1
  if [ -h "$1" ]; then real=$(readlink -f "$1" 2>/dev/null) || real=$1; fi
  feature=
  case $real in */bin/java)
    if [ -f "${real%/bin/java}/release" ]; then
      while IFS= read -r line; do
        case $line in JAVA_VERSION=\"[0-9]*) feature=${line#JAVA_VERSION=\"}; feature=${feature%%[!0-9]*}; break ;; esac
      done < "${real%/bin/java}/release"
    fi ;;
  esac
  [ -n "$feature" ] || feature=$("$1" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
  case $feature in ''|*[!0-9]*) feature=0 ;; esac
}

PREFERRED_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [ -x "$APP_HOME/runtime/bin/java" ] && { [ "${java_home_first:-}" != yes ] || [ -z "${JAVA_HOME:-}" ]; }; then
  JAVACMD=$APP_HOME/runtime/bin/java
  java_feature "$JAVACMD"
elif [ -n "${JAVA_HOME:-}" ]; then
  JAVACMD=$JAVA_HOME/bin/java
  [ -x "$JAVACMD" ] || die "JAVA_HOME is $JAVA_HOME, but $JAVACMD is not an executable"
  java_feature "$JAVACMD"
else
  JAVACMD=$(command -v java) || JAVACMD=
  feature=0
  [ -n "$JAVACMD" ] && java_feature "$JAVACMD"
  if [ "$feature" -lt 21 ] && [ -x "$PREFERRED_JAVA" ]; then
    JAVACMD=$PREFERRED_JAVA
    java_feature "$JAVACMD"
  fi
  [ -n "$JAVACMD" ] || die "needs Java 21 or newer: no java on PATH; set JAVA_HOME"
fi
[ "$feature" -ge 21 ] || die "needs Java 21 or newer, but $JAVACMD is Java $feature; set JAVA_HOME to a Java 21+ runtime"


# Java 25+: aot_cache FILE decides about lib/FILE, an ahead-of-time cache (README, "The image"). With SPA_AOT_TRAIN
# set this run trains it: aot_opts has the JVM write it at exit, and FILE.for records the directory and the java it
# is made for. Otherwise aot_opts uses it only where FILE.for names this directory and this java (a copied or
# packaged image, or another java, leaves it out) and aot_use=yes. aot is the cache's path.
aot_cache() {
  aot=$APP_HOME/lib/$1 aot_opts= aot_use=
  if [ -n "${SPA_AOT_TRAIN:-}" ]; then
    [ "$feature" -ge 25 ] || die "SPA_AOT_TRAIN needs Java 25 or newer, but $JAVACMD is Java $feature"
    rm -f "$aot" "$aot.for"
    aot_opts="-XX:AOTCacheOutput=$aot"
    printf '%s\n%s\n' "$APP_HOME" "$JAVACMD" > "$aot.for" || die "cannot write $aot.for"
  elif [ "$feature" -ge 25 ] && [ -f "$aot" ] && [ -f "$aot.for" ]; then
    { IFS= read -r made_home; IFS= read -r made_java; } < "$aot.for"
    if [ "$made_home" = "$APP_HOME" ] && [ "$made_java" = "$JAVACMD" ]; then
      aot_opts="-XX:AOTCache=$aot" aot_use=yes
    fi
  fi
}
