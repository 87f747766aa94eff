#!/usr/bin/env bash
# Scale of openings: N distinct knocks, each from its own source address, sent at RATE per second to the image's
# spad (-U, nftables, one stanza with FW_ACCESS_TIMEOUT TIMEOUT), in two network namespaces (client, server) that
# the script creates and deletes. The client namespace holds 198.18.64.0-198.19.255.255 as a local route, so the
# sender (bench/ScaleKnock.java) binds each knock's socket to its own real source; the server routes them back.
# While the knocks arrive the script lists spad's nftables set every INTERVAL seconds and infers, from each
# element's timeout and what is left of it, when it was added (an upper bound: the time the listing ended minus
# the time the element had run). It prints:
#   time-to-in-place  per knock, from its send to its element's addition: max and percentiles, and how many
#                     were never seen or were added after their expiry
#   peak              the most elements in place in one listing
#   all gone          the time from the last knock's send + TIMEOUT to the first listing with no element left
#   other user        knock-to-connect of a second stanza's user (bench/Knock.java), sent halfway through
#   --fw-list         wall time of `spad --fw-list` with (close to) all N in place, and the openings it listed
#   RSS               spad's peak resident set (VmHWM)
#   distribution/bench/scale.sh [N] [RATE] [TIMEOUT]      (defaults 100000 10000 60; needs root and a built image)
# BENCH_KEEP=1 keeps the work directory (spad's log, send times, listings) and prints where it is.
# The last line is "scale: ok" when every knock was in place before its expiry, all were gone in the end and the
# other user's knock opened; otherwise "scale: FAILED ..." and exit status 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${SPA_HOME:-$(cd "$here/.." && pwd)/target/spa}
N=${1:-100000}
RATE=${2:-10000}
TIMEOUT=${3:-60}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$PATH:/usr/sbin:/sbin
die() { echo "scale.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, firewalls)"
[ -x "$image/bin/spad" ] || die "no image in $image: mvn -DskipTests package first"
for p in nft ip awk; do command -v "$p" >/dev/null || die "needs $p"; done
[ "$N" -ge 1 ] && [ "$N" -le 113000 ] || die "N must be 1..113000 (the client's address range)"
[ "$RATE" -ge 1 ] && [ "$TIMEOUT" -ge 5 ] || die "RATE >= 1 and TIMEOUT >= 5"
INTERVAL=$(( N > 20000 ? 10 : 1 ))   # a listing of 100,000 takes seconds of CPU: not too often

SERVER=198.18.0.1 CLIENT=198.18.0.2 OTHER=198.18.0.3 UDP_PORT=62201
ns_s=spascale-$$-s ns_c=spascale-$$-c
work=$(mktemp -d)
server_pid= service_pid= watch_pid=
cleanup() {
  set +e
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  for ns in "$ns_s" "$ns_c"; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null   # anything this script started there and that is still running
    ip netns del "$ns" 2>/dev/null
  done
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept spad's log, the send times and the listings in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
in_s() { ip netns exec "$ns_s" "$@"; }
in_c() { ip netns exec "$ns_c" "$@"; }
now_us() { date +%s%6N; }
java_spa() { "$JAVA_HOME/bin/java" --module-path "$image/lib" --add-modules spa.core,spa.cipher.aes "$here/ScaleKnock.java" "$@"; }

"$JAVA_HOME/bin/javac" -d "$work/classes" "$here/Knock.java"
ip netns add "$ns_s"
ip netns add "$ns_c"
in_s ip link set lo up
in_c ip link set lo up
in_s ip link add c0 type veth peer name s0 netns "$ns_c"
in_s ip addr add "$SERVER/24" dev c0
in_s ip link set c0 up
in_c ip addr add "$CLIENT/24" dev s0
in_c ip addr add "$OTHER/24" dev s0
in_c ip link set s0 up
for net in 198.18.64.0/18 198.18.128.0/17 198.19.0.0/16; do
  in_c ip route add local "$net" dev lo
  in_s ip route add "$net" via "$CLIENT"
done
in_s nft flush ruleset
ip netns exec "$ns_s" nc -lk -n 22 </dev/null >/dev/null 2>&1 &   # $! is nc itself
service_pid=$!

key=$(head -c 32 /dev/urandom | base64 -w0) hmac=$(head -c 64 /dev/urandom | base64 -w0)
key2=$(head -c 32 /dev/urandom | base64 -w0) hmac2=$(head -c 64 /dev/urandom | base64 -w0)
cat >"$work/access.conf" <<CONF
SOURCE ANY
KEY_BASE64 $key
HMAC_KEY_BASE64 $hmac
OPEN_PORTS tcp/22
FW_ACCESS_TIMEOUT $TIMEOUT

SOURCE 198.18.0.0/24
KEY_BASE64 $key2
HMAC_KEY_BASE64 $hmac2
OPEN_PORTS tcp/22
FW_ACCESS_TIMEOUT $TIMEOUT
CONF
cat >"$work/fwknopd.conf" <<CONF
UDPSERV_PORT $UDP_PORT;
FWKNOP_RUN_DIR $work;
NFT_PROTECTED_PORTS tcp/22;
CONF
chmod 600 "$work/access.conf" "$work/fwknopd.conf"
spad_args=(-c "$work/fwknopd.conf" -a "$work/access.conf" -d "$work/digest.cache" -p "$work/pid")

ip netns exec "$ns_s" "$image/bin/spad" -U --firewall nftables "${spad_args[@]}" >"$work/spad.log" 2>&1 </dev/null &
server_pid=$!   # the JVM itself (the launcher execs it)
udp_bound() { grep -q '^spad: ready' "$work/spad.log"; }
for _ in $(seq 400); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/spad.log" >&2; die "spad exited at start"; }
  udp_bound && break
  sleep 0.05
done
udp_bound || die "spad never got ready"
sleep 0.5
# spad's IPv4 access set: the one whose type starts with ipv4_addr . inet_proto . inet_service
read -r family table set < <(in_s nft -a list sets | awk '
  /^table / { f = $2; t = $3 } /^\tset / { s = $2 }
  /type ipv4_addr \. inet_proto \. inet_service$/ && s != "" { print f, t, s; exit }')
[ -n "${set:-}" ] || { in_s nft list ruleset >&2; die "no access set of spad's found"; }

# listing: one line "L START_US END_US COUNT", then per element "SOURCE ADDED_US EXPIRES_US" (upper bounds), each
# source once
listing() {
  local a b
  a=$(now_us)
  in_s nft list set "$family" "$table" "$set" >"$work/set.txt"
  b=$(now_us)
  { grep -oE '[0-9.]+ \. tcp \. 22 timeout [0-9dhms]+ expires [0-9dhms]+' "$work/set.txt" || true; } | awk -v a="$a" -v b="$b" '
    function us(d,   t, v) { t = 0
      while (match(d, /^[0-9]+(ms|d|h|m|s)/)) { v = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
        if (v ~ /ms$/) t += v * 1000; else if (v ~ /d$/) t += v * 86400e6; else if (v ~ /h$/) t += v * 3600e6
        else if (v ~ /m$/) t += v * 60e6; else t += v * 1e6 }
      return t }
    seen[$1]++ { next }  # a dump that runs while the set grows may give an element twice
    { to = us($7); ex = us($9); e[++n] = sprintf("%s %.0f %.0f", $1, b - (to - ex), b + ex) }
    END { printf "L %s %s %d\n", a, b, n; for (i = 1; i <= n; i++) print e[i] }'
}
watch() { while :; do listing; sleep "$1"; done; }

java_spa packet "$OTHER" "$key2" "$hmac2" "$work/other.pkt"
echo "making $N packets, then sending them at $RATE/s (timeout $TIMEOUT s, set $family $table $set)"
in_c "$JAVA_HOME/bin/java" --module-path "$image/lib" --add-modules spa.core,spa.cipher.aes "$here/ScaleKnock.java" \
  send "$SERVER" "$UDP_PORT" "$N" "$RATE" "$key" "$hmac" "$work/sent.txt" 2>"$work/sender.log" &
sender_pid=$!
# the sender makes all packets first; its sockets appear when it starts sending
until [ -s "$work/sender.log" ] || in_c ss -uan | grep -q '198\.1[89]\.'; do
  kill -0 "$sender_pid" 2>/dev/null || break
  sleep 0.05
done
start_us=$(now_us)
watch "$INTERVAL" >"$work/listings.txt" &
watch_pid=$!
half=$(awk -v n="$N" -v r="$RATE" 'BEGIN { printf "%.3f", n / r / 2 }')
sleep "$half"
in_c "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$work/classes" Knock "$SERVER" "$UDP_PORT" 22 100 "$OTHER=$work/other.pkt" \
  >"$work/other.us"
wait "$sender_pid" || { cat "$work/sender.log" >&2; die "the sender failed"; }
cat "$work/sender.log"
last_sent=$(tail -1 "$work/sent.txt" | cut -d' ' -f2)

# --fw-list once all are in (or 5 s after the last knock)
deadline=$((last_sent + 5000000))
while [ "$(now_us)" -lt "$deadline" ]; do
  [ "$(in_s nft list set "$family" "$table" "$set" | grep -c 'expires')" -ge "$N" ] && break
  sleep 0.2
done
a=$(now_us)
in_s "$image/bin/spad" --fw-list --firewall nftables "${spad_args[@]}" >"$work/fw-list.txt" 2>&1 || true
b=$(now_us)
fwlist_ms=$(( (b - a) / 1000 ))
fwlist_n=$(grep -cE '^ *198\.1[89]\.' "$work/fw-list.txt" || true)

# wait for the end of the last knock's time, then list every 100 ms until the set is empty
expiry_us=$((last_sent + TIMEOUT * 1000000))
while [ $(( $(now_us) + 2 * INTERVAL * 1000000 )) -lt "$expiry_us" ]; do sleep 0.5; done
kill "$watch_pid"; wait "$watch_pid" 2>/dev/null || true; watch_pid=
gone_us=
give_up=$((expiry_us + 10000000))
while [ "$(now_us)" -lt "$give_up" ]; do
  listing >>"$work/listings.txt"
  if [ "$(tail -n 1 "$work/listings.txt" | cut -c1)" = L ] && [ "$(now_us)" -gt "$expiry_us" ]; then
    gone_us=$(tail -n 1 "$work/listings.txt" | cut -d' ' -f3)
    break
  fi
  sleep 0.1
done
hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")

echo
echo "scale: $N knocks at $RATE/s, timeout $TIMEOUT s, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# time-to-in-place: from each knock's send to spad's grant event for it (written once the firewall change is
# made), and, as a check, the least upper bound over the listings of the element's addition
for d in $(grep -oE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$work/spad.log" | sort -u | tr -d T); do
  echo "D $d $(date -u -d "$d" +%s)"
done >"$work/days.txt"
awk -v timeout_us="$((TIMEOUT * 1000000))" -v out="$work/in-place.ms" -v listed="$work/listed.ms" '
  $1 == "D" { day[$2] = $3; next }
  $1 == "S" { sent[$2] = $3; next }
  $1 == "L" { if ($4 > peak) peak = $4; d = ($3 - $2) / 1000; if (d > longest) longest = d; next }
  $1 == "E" { if (!($2 in added) || $3 < added[$2]) added[$2] = $3; next }
  $2 == "grant" && match($0, / allow=[0-9.]+ /) {
    a = substr($0, RSTART + 7, RLENGTH - 8)
    t = day[substr($1, 1, 10)] * 1e6 + (substr($1, 12, 2) * 3600 + substr($1, 15, 2) * 60 + substr($1, 18, 6)) * 1e6
    if (!(a in granted)) granted[a] = t
  }
  END {
    late = 0; missing = 0; unseen = 0
    for (s in sent) {
      if (!(s in granted)) { missing++; continue }
      v = (granted[s] - sent[s]) / 1000; printf "%.1f\n", v < 0 ? 0 : v > out
      if (granted[s] >= sent[s] + timeout_us) late++
      if (!(s in added)) { unseen++; continue }
      v = (added[s] - sent[s]) / 1000; printf "%.1f\n", v < 0 ? 0 : v > listed
    }
    printf "MISSING %d LATE %d PEAK %d LONGEST %.0f UNSEEN %d\n", missing, late, peak, longest, unseen
  }' "$work/days.txt" <(awk '{ print "S", $0 }' "$work/sent.txt") \
  <(grep '^L' "$work/listings.txt"; grep -v '^L' "$work/listings.txt" | awk '{ print "E", $0 }') \
  "$work/spad.log" >"$work/summary.txt"
read -r _ missing _ late _ peak _ longest _ unseen <"$work/summary.txt"
# percentiles FILE TITLE: nearest rank
percentiles() {
  sort -n "$1" | awk -v title="$2" '{ v[NR] = $1 } END {
    m = NR; split("0.5 0.9 0.99 0.999", q, " "); line = ""
    for (i = 1; i <= 4; i++) { r = int(q[i] * m); if (r < q[i] * m) r++; if (r < 1) r = 1; line = line sprintf("  p%s %s", q[i] * 100, v[r]) }
    printf "%s (ms):%s  max %s  (%d knocks)\n", title, line, v[m], m }'
}
percentiles "$work/in-place.ms" "time-to-in-place, send to grant event"
echo "knocks never granted: $missing, granted after their expiry: $late, granted but never seen in a listing: $unseen"
percentiles "$work/listed.ms" "time-to-in-place, bound from listings (each up to $longest ms long)"
echo "in place at peak: $peak of $N (the most elements in one listing)"
if [ -n "$gone_us" ]; then
  echo "all gone: $(awk -v g="$gone_us" -v e="$expiry_us" 'BEGIN { printf "%.0f", (g - e) / 1000 }') ms after the last knock's send + $TIMEOUT s"
else
  echo "all gone: NOT within 10 s after the last knock's expiry"
fi
other=$(cat "$work/other.us")
echo "other user's knock-to-connect: $( [ "$other" = timeout ] && echo timeout || awk -v x="$other" 'BEGIN { printf "%.2f ms", x / 1000 }')"
echo "spad --fw-list: $fwlist_ms ms, $fwlist_n openings listed"
echo "spad peak RSS (VmHWM): $((hwm_kb / 1024)) MB"
problems=()
[ "$missing" = 0 ] && [ "$late" = 0 ] && [ "$unseen" = 0 ] || problems+=("$missing never granted, $late granted after expiry, $unseen never seen")
[ -n "$gone_us" ] || problems+=("not all gone")
[ "$other" != timeout ] || problems+=("the other user's knock did not open")
[ "$fwlist_n" -ge "$peak" ] || [ "$fwlist_n" -ge "$N" ] || problems+=("--fw-list listed $fwlist_n")
grep -q 'reason=act-queue-full\|reason=late' "$work/spad.log" && problems+=("spad dropped grants: $(grep -c 'reason=act-queue-full\|reason=late' "$work/spad.log")")
if [ ${#problems[@]} -eq 0 ]; then echo "scale: ok"; else echo "scale: FAILED: ${problems[*]}"; exit 1; fi
