#!/bin/bash
# What sharing the replay cache through Redis costs, on loopback, with the image's spad and Debian's redis-server:
#   latency     the shared check of one authenticated packet: N timed SET NX PX round trips (distinct digests),
#               median and p99; this is what a packet's decision gains over the local cache, which is asked too
#   throughput  N distinct valid packets (a pcap file) through spad -t with its local cache, through one spad
#               sharing Redis, and through two spads at once sharing one Redis, each with its own N packets
# Each throughput case runs R times; rates are of the median wall times, whole process (start-up included).
#
# Usage: fleet-bench.sh [-n PACKETS] [-l CALLS] [-R ROUNDS] [-w WORKDIR]
# Environment: SPA_HOME (the image, required), JAVA_HOME (Java 21+), REDIS_SERVER (default redis-server),
#              PCAP_TESTKIT (spa.pcap-format's test-jar; default: in this source tree, built by mvn package)
set -euo pipefail

N=90000
CALLS=100000
ROUNDS=3
WORK=""
while getopts "n:l:R:w:" opt; do
  case $opt in
    n) N=$OPTARG ;;
    l) CALLS=$OPTARG ;;
    R) ROUNDS=$OPTARG ;;
    w) WORK=$OPTARG ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
# the generator's packets are a second apart back from now, and MAX_SPA_PACKET_AGE is at most 100000
[ "$N" -le 96000 ] || { echo "-n $N: at most 96000 packets (their timestamps must fit the age window)" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd -P)
: "${SPA_HOME:?set SPA_HOME to the image}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
REDIS_SERVER=${REDIS_SERVER:-redis-server}
command -v "$REDIS_SERVER" >/dev/null || { echo "$REDIS_SERVER not found: apt-get install redis-server" >&2; exit 1; }
if [ -z "${PCAP_TESTKIT:-}" ]; then
  for j in "$HERE"/../../spa.pcap-format/target/spa.pcap-format-*-tests.jar; do PCAP_TESTKIT=$j; done
fi
[ -f "${PCAP_TESTKIT:-}" ] || { echo "no pcap writer test-jar: run mvn package or set PCAP_TESTKIT" >&2; exit 1; }
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d /tmp/spa-fleet-bench.XXXXXX)
  trap 'kill "$REDIS_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
else
  trap 'kill "$REDIS_PID" 2>/dev/null || true' EXIT
fi
mkdir -p "$WORK/run"
cd "$WORK"
LIB="$SPA_HOME/lib"
for d in "$SPA_HOME"/plugins/*/; do LIB="$LIB:$d"; done

# a free loopback port: redis-server exits at once when the port it is given is taken
REDIS_PID=""
for _ in 1 2 3 4 5; do
  PORT=$((20000 + RANDOM % 30000))
  "$REDIS_SERVER" --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" > redis.log 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 100); do redis-cli -p "$PORT" PING 2>/dev/null | grep -q PONG && break 2; sleep 0.05; done
  kill "$REDIS_PID" 2>/dev/null || true
done
redis-cli -p "$PORT" PING | grep -q PONG || { echo "redis-server did not start:" >&2; cat redis.log >&2; exit 1; }
URL="redis://127.0.0.1:$PORT"

echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$JAVA" --module-path "$LIB" --add-modules spa.replay.redis \
  --add-exports spa.replay.redis/spa.replay.redis=ALL-UNNAMED "$HERE/ReplayLatency.java" "$URL" "$CALLS"

KEY=$(head -c 32 /dev/urandom | base64 -w0)
HMAC=$(head -c 64 /dev/urandom | base64 -w0)
gen() {
  "$JAVA" --module-path "$LIB:$PCAP_TESTKIT" \
    --add-modules spa.core,spa.pcap.format,spa.pcap.format.testkit,spa.cipher.aes,spa.server \
    --add-exports spa.server/spa.server.replay=ALL-UNNAMED "$HERE/../../spa.server/bench/GenPackets.java" "$@"
}
gen valid "$N" a.pcap "$KEY" "$HMAC"
gen valid "$N" b.pcap "$KEY" "$HMAC"
cat > access.conf <<CONF
SOURCE ANY
KEY_BASE64 $KEY
HMAC_KEY_BASE64 $HMAC
FW_ACCESS_TIMEOUT 30
CONF
# the packets are a second apart back from now (GenPackets): every one within the age window, which sharing needs
conf() { # conf NAME STORE
  cat > "$1.conf" <<CONF
PCAP_DISPATCH_COUNT 1000000
ENABLE_SPA_PACKET_AGING Y
MAX_SPA_PACKET_AGE $((N + 3600))
DIGEST_FILE $WORK/$1.digest
FWKNOP_RUN_DIR $WORK/run-$1
REPLAY_STORE $2
REDIS_URL $URL
REDIS_TIMEOUT 1000
CONF
  mkdir -p "$WORK/run-$1"
}
conf local local
conf shared-a redis
conf shared-b redis

spad() { # spad NAME CONF PCAP: one whole run, checked: every packet accepted
  "$SPA_HOME/bin/spad" -t -v -a access.conf -c "$2.conf" --log-format json --pcap-file "$3" -C "$N" \
    > "$1.out" 2> "$1.err" || { echo "$1 failed:" >&2; tail -3 "$1.err" >&2; exit 1; }
  grep -q "accepted=$N " "$1.err" || { echo "$1: expected accepted=$N, got: $(grep received= "$1.err")" >&2; exit 1; }
}
timed() { # timed NAME COMMAND...: the wall time to NAME.walls
  local name=$1 start end; shift
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }' >> "$name.walls"
}
two() { spad two-a shared-a a.pcap & local pa=$!; spad two-b shared-b b.pcap & local pb=$!; wait $pa && wait $pb; }
rm -f ./*.walls
for round in $(seq "$ROUNDS"); do
  redis-cli -p "$PORT" FLUSHALL > /dev/null
  rm -f ./*.digest
  timed local spad local local a.pcap
  timed shared-one spad shared-one shared-a a.pcap
  redis-cli -p "$PORT" FLUSHALL > /dev/null
  timed shared-two two
  # the second gateway's packets, seen again by the first: all refused there as replays
done
"$SPA_HOME/bin/spad" -t -v -a access.conf -c shared-a.conf --log-format json --pcap-file b.pcap -C "$N" \
  > replays.out 2> replays.err
grep -q "accepted=0 " replays.err || { echo "replays: expected accepted=0, got: $(grep received= replays.err)" >&2; exit 1; }

median() { sort -n "$1.walls" | awk '{ w[NR] = $1 } END { print NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'; }
echo
echo "medians of $ROUNDS runs, $N distinct valid packets per gateway"
awk -v n="$N" -v l="$(median local)" -v s="$(median shared-one)" -v t="$(median shared-two)" 'BEGIN {
  printf "%-34s %7.2f s %9.0f pkt/s\n", "local cache, one gateway", l, n / l
  printf "%-34s %7.2f s %9.0f pkt/s  (%.2fx local)\n", "shared Redis, one gateway", s, n / s, l / s
  printf "%-34s %7.2f s %9.0f pkt/s  (%.2fx local)\n", "shared Redis, two gateways at once", t, 2 * n / t, 2 * n / t / (n / l)
}'
echo "replays across the fleet: the second gateway's $N packets, sent to the first, all refused"
