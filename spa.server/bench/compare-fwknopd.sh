#!/bin/bash
# Whole-process throughput of spad against fwknopd on the same pcap files, start-up included:
#   valid   N distinct valid HMAC+AES packets (spa's own encoder), every one accepted in test mode
#   garbage N base64 packets of real-packet length that fail the HMAC check
#   cache   both again with spad's replay cache preloaded with D records, in the file spad keeps (an image of its
#           tables once it has compacted the cache; fwknopd's digest.cache lines are what spad imports)
#   stanzas M valid packets and M garbage packets against S access stanzas, each with its own keys and SOURCE ANY,
#           so that every packet is tried against every stanza (the valid ones fit the last stanza)
# Every packet is distinct, as real traffic is: a valid one has its own salt, random value and timestamp (so its
# own replay digest, and the replay cache grows as it would), a garbage one its own random bytes.
# It prints packets per second and the ratios the project tracks:
#   spad/fwknopd (valid, garbage, and both with S stanzas) and spad with D cached records / spad with an empty cache.
# Each case runs R times, the cases taking turns in a shuffled order; rates and ratios are of the median times (a
# shared machine makes single runs vary by 10% and more), and every time is printed.
#
# Usage: compare-fwknopd.sh [-n PACKETS] [-d DIGESTS] [-k FWKNOPD_CACHE_PACKETS] [-s STANZA_PACKETS] [-S STANZAS]
#                           [-R ROUNDS] [-w WORKDIR [-r]]
#   -s  packets of each stanzas case (default: PACKETS, at most 10000: fwknopd takes milliseconds for each)
#   -S  access stanzas of the stanzas cases (default 1000)
#   -R  runs of each case (default 5)
#   -r  reuse the inputs a previous run left in WORKDIR (same -n, -d, -k, -s, -S), so repeated runs skip generation
# Environment:
#   SPA_LIB    directory holding spa.core, spa.pcap-format, spa.cipher.aes, spa.capture.pcap, spa.server and their
#              dependencies (default: <distribution>/lib plus plugins when SPA_HOME is set)
#   PCAP_TESTKIT  the jar of the pcap writer the generator uses (default: spa.pcap-format's test-jar in this
#              source tree, built by mvn package)
#   SPAD       command that runs spad (default: $SPA_HOME/bin/spad, else java on SPA_LIB)
#   SPAD_JAVA_OPTS  JVM options for the default SPAD command
#   JAVA_HOME  JDK 21 or newer for the generator and the default SPAD command
#   FWKNOPD    fwknopd binary (default /usr/sbin/fwknopd)
set -euo pipefail

N=1000000
DIGESTS=200000
FWKNOPD_CACHE_N=2000
ROUNDS=5
STANZA_N=""
STANZAS=1000
WORK=""
REUSE=""
while getopts "n:d:k:s:S:R:w:r" opt; do
  case $opt in
    n) N=$OPTARG ;;
    d) DIGESTS=$OPTARG ;;
    k) FWKNOPD_CACHE_N=$OPTARG ;;
    s) STANZA_N=$OPTARG ;;
    S) STANZAS=$OPTARG ;;
    R) ROUNDS=$OPTARG ;;
    w) WORK=$OPTARG ;;
    r) REUSE=1 ;;
    *) sed -n '2,30p' "$0"; exit 2 ;;
  esac
done
STANZA_N=${STANZA_N:-$((N < 10000 ? N : 10000))}

HERE=$(cd "$(dirname "$0")" && pwd -P)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_feature=$("$JAVA" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
[ "${java_feature:-0}" -ge 21 ] 2>/dev/null || {
  echo "$JAVA is Java ${java_feature:-?}: the generator needs 21 or newer; set JAVA_HOME" >&2; exit 1; }
FWKNOPD=${FWKNOPD:-/usr/sbin/fwknopd}
if [ -z "${SPA_LIB:-}" ] && [ -n "${SPA_HOME:-}" ]; then
  SPA_LIB="$SPA_HOME/lib"
  for d in "$SPA_HOME"/plugins/*/; do [ -d "$d" ] && SPA_LIB="$SPA_LIB:$d"; done
fi
: "${SPA_LIB:?set SPA_LIB (module path with spa.core, spa.pcap.format, spa.cipher.aes, spa.capture.pcap, spa.server) or SPA_HOME}"
SPAD_JAVA_OPTS=${SPAD_JAVA_OPTS:-"-XX:+UseSerialGC -Xmn128m"}
if [ -z "${SPAD:-}" ]; then
  if [ -n "${SPA_HOME:-}" ] && [ -x "$SPA_HOME/bin/spad" ]; then
    SPAD="$SPA_HOME/bin/spad"
  else
    SPAD="$JAVA $SPAD_JAVA_OPTS --enable-native-access=spa.server,com.sun.jna --module-path $SPA_LIB -m spa.server/spa.server.cli.SpadCommand"
  fi
fi
command -v "$FWKNOPD" >/dev/null || { echo "fwknopd not found ($FWKNOPD): apt-get install fwknop-server" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 1; }

if [ -z "$WORK" ]; then
  WORK=$(mktemp -d /tmp/spa-bench.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/run"
cd "$WORK"

if [ -z "${PCAP_TESTKIT:-}" ]; then
  for j in "$HERE"/../../spa.pcap-format/target/spa.pcap-format-*-tests.jar; do PCAP_TESTKIT=$j; done
fi
[ -f "${PCAP_TESTKIT:-}" ] || {
  echo "no pcap writer test-jar (${PCAP_TESTKIT:-spa.pcap-format/target/*-tests.jar}): run mvn package or set PCAP_TESTKIT" >&2; exit 1; }

gen() {
  "$JAVA" --module-path "$SPA_LIB:$PCAP_TESTKIT" \
    --add-modules spa.core,spa.pcap.format,spa.pcap.format.testkit,spa.cipher.aes,spa.server \
    --add-exports spa.server/spa.server.replay=ALL-UNNAMED "$HERE/GenPackets.java" "$@"
}

INPUTS="$N $DIGESTS $FWKNOPD_CACHE_N $STANZA_N $STANZAS"
if [ -n "$REUSE" ] && [ -f inputs ] && [ "$(head -1 inputs)" = "$INPUTS" ]; then
  { read -r _; read -r KEY; read -r HMAC; read -r LAST_KEY; read -r LAST_HMAC; } < inputs
  echo "reusing the inputs in $WORK" >&2
else
  KEY=$(head -c 32 /dev/urandom | base64 -w0)
  HMAC=$(head -c 64 /dev/urandom | base64 -w0)
  echo "generating $N valid, $N garbage packets and $DIGESTS replay records in $WORK ..." >&2
  rm -f inputs train.pcap
  gen valid "$N" valid.pcap "$KEY" "$HMAC"
  gen garbage "$N" garbage.pcap
  gen digests "$DIGESTS" cache.full
  gen valid "$FWKNOPD_CACHE_N" valid-small.pcap "$KEY" "$HMAC"
  echo "generating $STANZAS stanzas, $STANZA_N valid packets for the last and $STANZA_N garbage packets ..." >&2
  { read -r LAST_KEY; read -r LAST_HMAC; } < <(gen access "$STANZAS" stanzas.conf)
  gen valid "$STANZA_N" valid-stanzas.pcap "$LAST_KEY" "$LAST_HMAC"
  gen garbage "$STANZA_N" garbage-stanzas.pcap
  printf '%s\n%s\n%s\n%s\n%s\n' "$INPUTS" "$KEY" "$HMAC" "$LAST_KEY" "$LAST_HMAC" > inputs
fi
: > cache.empty
# spad's file for the same records, written by the spad under test the way it compacts its cache
gen compact cache.full cache.spad

cat > access.conf <<EOF
SOURCE ANY
KEY_BASE64 $KEY
HMAC_KEY_BASE64 $HMAC
FW_ACCESS_TIMEOUT 30
EOF
conf() { # conf FILE DIGEST_FILE
  cat > "$1" <<EOF
PCAP_DISPATCH_COUNT 1000000
PCAP_LOOP_SLEEP 1
ENABLE_SPA_PACKET_AGING N
DIGEST_FILE $2
FWKNOP_RUN_DIR $WORK/run
EOF
}
conf empty.conf "$WORK/cache.empty"
conf full.conf "$WORK/cache.run"
conf spad-full.conf "$WORK/cache.spad.run"

# run NAME COUNT COMMAND...: prints "NAME seconds user sys", keeps stdout/stderr in NAME.out/.err and adds the
# wall time to NAME.walls
run() {
  local name=$1 count=$2; shift 2
  sync
  /usr/bin/time -o "$name.time" -f "%e %U %S" "$@" > "$name.out" 2> "$name.err" || {
    echo "$name failed:" >&2; tail -5 "$name.err" >&2; exit 1; }
  read -r wall user sys < "$name.time"
  awk -v n="$name" -v c="$count" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { printf "%-22s %9d pkts %7.2f s %10.0f pkt/s  (cpu %.2f s)\n", n, c, w, c / w, u + s }'
  echo "$wall" >> "$name.walls"
  awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }' >> "$name.cpus"
}
median() { sort -n "$1.${2:-walls}" | awk '{ w[NR] = $1 } END { print NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'; }
rate() { awk -v c="$2" -v w="$(median "$1" "${3:-walls}")" 'BEGIN { printf "%.0f", (w > 0 ? c / w : 0) }'; }
summary() { # summary NAME COUNT: the median and every time
  awk -v n="$1" -v c="$2" -v m="$(median "$1")" -v all="$(tr '\n' ' ' < "$1.walls")" \
    'BEGIN { printf "%-22s %9d pkts %7.2f s %10.0f pkt/s  (runs: %s)\n", n, c, m, c / m, all }'
}
check() { # check NAME EXPECTED_ACCEPTS: spad's own summary line must agree
  grep -q "accepted=$2 " "$1.err" || { echo "$1: expected accepted=$2, got: $(grep received= "$1.err")" >&2; exit 1; }
}

# An installed image on Java 25+ gets its ahead-of-time cache trained once on this host (untimed, like an
# install step; bin/spad uses lib/spad.aot when it was made for this image and java and is not older than the jars
# in lib/; the build trains one): a start-up like a daemon's, replay cache included, then valid packets.
aot_stale() { # the launcher decides, and says so on stderr
  [ ! -f "$SPA_HOME/lib/spad.aot" ] && return 0
  [ "$(head -1 "$SPA_HOME/lib/spad.aot.for" 2>/dev/null)" = "$(cd "$SPA_HOME" && pwd -P)" ] || return 0
  case "$("$SPA_HOME/bin/spad" -V 2>&1 >/dev/null)" in *"spad.aot is older than"*) return 0 ;; esac
  return 1
}
if [ -n "${SPA_HOME:-}" ] && aot_stale && "$JAVA" -XX:AOTCacheOutput=/dev/null -version >/dev/null 2>&1; then
  echo "training $SPA_HOME/lib/spad.aot ..." >&2
  TRAIN_N=$((N < 200000 ? N : 200000))
  [ -f train.pcap ] || gen valid "$TRAIN_N" train.pcap "$KEY" "$HMAC"
  cp cache.spad cache.spad.run
  SPA_AOT_TRAIN=yes "$SPA_HOME/bin/spad" -t -a access.conf -c spad-full.conf \
    --pcap-file train.pcap > /dev/null 2> aot-train.err || { tail -5 aot-train.err >&2; exit 1; }
fi

FW=("$FWKNOPD" -f -t -a access.conf)
CASES=(fwknopd-valid spad-valid fwknopd-garbage spad-garbage spad-valid-cache spad-garbage-cache
  fwknopd-valid-stanzas spad-valid-stanzas fwknopd-garbage-stanzas spad-garbage-stanzas)
count() { case $1 in *-stanzas) echo "$STANZA_N" ;; *) echo "$N" ;; esac; }
one() { # one CASE: runs it and checks spad's own counts
  case $1 in
    fwknopd-valid) run "$1" "$N" "${FW[@]}" --pcap-file valid.pcap -c empty.conf -C "$N" ;;
    fwknopd-garbage) run "$1" "$N" "${FW[@]}" --pcap-file garbage.pcap -c empty.conf -C "$N" ;;
    fwknopd-valid-stanzas | fwknopd-garbage-stanzas)
      run "$1" "$STANZA_N" "$FWKNOPD" -f -t -a stanzas.conf --pcap-file "${1#fwknopd-}.pcap" -c empty.conf \
        -C "$STANZA_N" ;;
    spad-valid-stanzas | spad-garbage-stanzas)
      local accepted=$STANZA_N
      [ "$1" = spad-garbage-stanzas ] && accepted=0
      # shellcheck disable=SC2086 # $SPAD is a command line
      run "$1" "$STANZA_N" $SPAD -t -v -a stanzas.conf --log-format json --pcap-file "${1#spad-}.pcap" \
        -c empty.conf -C "$STANZA_N"
      check "$1" "$accepted" ;;
    spad-valid | spad-garbage | spad-valid-cache | spad-garbage-cache)
      local kind=${1#spad-} conf=empty.conf accepted=$N
      case $kind in *-cache) kind=${kind%-cache}; conf=spad-full.conf ;; esac
      [ "$kind" = garbage ] && accepted=0
      # shellcheck disable=SC2086 # $SPAD is a command line
      run "$1" "$N" $SPAD -t -v -a access.conf --log-format json --pcap-file "$kind.pcap" -c "$conf" -C "$N"
      check "$1" "$accepted" ;;
  esac
}
for c in "${CASES[@]}" fwknopd-valid-cache; do rm -f "$c.walls" "$c.cpus"; done
# the cache runs share one copy: spad's test mode writes nothing to it (checked after the rounds), and a copy made
# just before a timed run would still be on its way to the disk during it
cp cache.spad cache.spad.run
cp cache.full cache.run
sync
# Each round runs the cases in its own shuffled order (the same orders on every run of the script), so that no case
# always follows the same one: what a run leaves behind (memory just given back, a large file just written) slows
# the next one, and more after some cases than after others.
RANDOM=1
for round in $(seq "$ROUNDS"); do
  order=("${CASES[@]}")
  for ((i = ${#order[@]} - 1; i > 0; i--)); do
    j=$((RANDOM % (i + 1)))
    t=${order[i]}; order[i]=${order[j]}; order[j]=$t
  done
  echo
  echo "round $round of $ROUNDS: ${order[*]}"
  for c in "${order[@]}"; do one "$c"; done
done
cmp -s cache.spad cache.spad.run || { echo "spad in test mode changed its replay cache file" >&2; exit 1; }
echo
run fwknopd-valid-cache "$FWKNOPD_CACHE_N" "${FW[@]}" --pcap-file valid-small.pcap -c full.conf -C "$FWKNOPD_CACHE_N"

echo
echo "medians of $ROUNDS runs"
for c in "${CASES[@]}"; do summary "$c" "$(count "$c")"; done
echo
awk -v sv="$(rate spad-valid "$N")" -v fv="$(rate fwknopd-valid "$N")" \
    -v sg="$(rate spad-garbage "$N")" -v fg="$(rate fwknopd-garbage "$N")" \
    -v ssv="$(rate spad-valid-stanzas "$STANZA_N")" -v fsv="$(rate fwknopd-valid-stanzas "$STANZA_N")" \
    -v ssg="$(rate spad-garbage-stanzas "$STANZA_N")" -v fsg="$(rate fwknopd-garbage-stanzas "$STANZA_N")" \
    -v stanzas="$STANZAS" \
    -v svc="$(rate spad-valid-cache "$N")" -v sgc="$(rate spad-garbage-cache "$N")" -v d="$DIGESTS" 'BEGIN {
  printf "spad/fwknopd valid:   %.2fx (goal >= 6)\n", sv / fv
  printf "spad/fwknopd garbage: %.2fx (goal >= 8)\n", sg / fg
  printf "spad/fwknopd valid, %d stanzas:   %.2fx (goal >= 4)\n", stanzas, ssv / fsv
  printf "spad/fwknopd garbage, %d stanzas: %.2fx (goal >= 4)\n", stanzas, ssg / fsg
  printf "spad %d-record cache / empty cache: valid %.0f%%, garbage %.0f%% (goal >= 90%%)\n", d, 100 * svc / sv, 100 * sgc / sg
}'
# The same ratios of CPU time (user + system, medians): on a machine other work keeps busy they move less than
# the wall-clock ones; the goals are the wall-clock ones.
cpu_ratio() { # cpu_ratio CASE COUNT
  awk -v s="$(rate "spad-$1" "$2" cpus)" -v f="$(rate "fwknopd-$1" "$2" cpus)" 'BEGIN { if (f > 0) printf "%.2fx", s / f; else printf "n/a" }'
}
echo "spad/fwknopd per CPU second: valid $(cpu_ratio valid "$N"), garbage $(cpu_ratio garbage "$N")," \
  "$STANZAS stanzas valid $(cpu_ratio valid-stanzas "$STANZA_N"), garbage $(cpu_ratio garbage-stanzas "$STANZA_N")"
