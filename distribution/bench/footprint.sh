#!/usr/bin/env bash
# Start-up and footprint of whole processes, spa's and fwknop's side by side in one run:
#   client   spa -T (build one packet) and spa sending one over UDP to loopback, fwknop the same (AES and HMAC keys
#            on the command line, no rc file): wall time, CPU (user + system) and peak RSS from /usr/bin/time
#   server   spad -f -t -U and fwknopd -f -t -U (UDP capture on loopback, test mode): time from start until the UDP
#            port is bound, CPU used until then, and RSS 2 s later (idle)
#   idle     spad's RSS 2 s and 10 s after ready, before the flood
#   flood    spad -f -t -U under FLOOD_RATE garbage datagrams a second (bench/Flood.java, distinct datagrams of SPA
#            size) for FLOOD_SECONDS: its RSS every second; the peak, and the growth from the largest RSS of the
#            first minute to the largest of the last (first and last third when the flood is shorter than 3 minutes)
# The client and server cases run ROUNDS times each, taking turns; figures are medians (and minimum wall times),
# ratios are spa's median over fwknop's.
#   distribution/bench/footprint.sh [ROUNDS] [FLOOD_SECONDS]     (defaults 11 and 60; 600 is the 10-minute check)
# SPA_HOME picks the image (default: the build's, distribution/target/spa); FLOOD_RATE (default 100000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${SPA_HOME:-$(cd "$here/.." && pwd)/target/spa}
ROUNDS=${1:-11}
FLOOD_SECONDS=${2:-60}
FLOOD_RATE=${FLOOD_RATE:-100000}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$PATH:/usr/sbin:/sbin
die() { echo "footprint.sh: $*" >&2; exit 1; }
[ -x "$image/bin/spad" ] || die "no image in $image: mvn -DskipTests package first"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
for p in fwknop fwknopd; do command -v "$p" >/dev/null || die "needs $p (apt-get install fwknop-client fwknop-server)"; done
[ "$ROUNDS" -ge 1 ] && [ "$FLOOD_SECONDS" -ge 1 ] 2>/dev/null || die "ROUNDS and FLOOD_SECONDS are positive numbers"

work=$(mktemp -d)
server_pid= flood_pid=
stop() { # stop PID: TERM, then KILL after 3 s
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  set +e
  [ -n "$flood_pid" ] && stop "$flood_pid"
  [ -n "$server_pid" ] && stop "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT

key=$(head -c 32 /dev/urandom | base64 -w0) hmac=$(head -c 64 /dev/urandom | base64 -w0)
printf 'SOURCE ANY;\nREQUIRE_SOURCE_ADDRESS Y;\nOPEN_PORTS tcp/22;\nKEY_BASE64 %s;\nHMAC_KEY_BASE64 %s;\n' \
  "$key" "$hmac" > "$work/access.conf"
chmod 600 "$work/access.conf"
keys=(--use-hmac --key-base64-rijndael "$key" --key-base64-hmac "$hmac")
packet=(--no-rc-file --no-save-args -A tcp/22 -a 198.18.0.1 -D 127.0.0.1)
ms_since() { # ms_since EPOCHREALTIME-value
  local now=$EPOCHREALTIME
  echo $(( (${now/./} - ${1/./}) / 1000 ))
}

# client NAME CMD...: one run under /usr/bin/time; appends "wall_ms cpu_ms peak_rss_kb" to NAME's figures
client() {
  local name=$1 t0 wall
  shift
  t0=$EPOCHREALTIME
  HOME=$work /usr/bin/time -o "$work/time" -f '%U %S %M' "$@" >"$work/client.out" 2>&1 \
    || { cat "$work/client.out" >&2; die "$name failed"; }
  wall=$(ms_since "$t0")
  read -r u s m < "$work/time"
  echo "$wall $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }') $m" >> "$work/$name"
}

# udp_bound PORT: whether a socket is bound to that UDP port (IPv4 or IPv6), read without starting a process
udp_bound() {
  local hex _ local_address
  printf -v hex ':%04X' "$1"
  for f in /proc/net/udp /proc/net/udp6; do
    while read -r _ local_address _; do [[ $local_address == *"$hex" ]] && return 0; done < "$f"
  done
  return 1
}
# cpu_ms PID: user + system time the process has used
cpu_ms() {
  local stat
  stat=$(< "/proc/$1/stat")
  stat=${stat##*) }
  read -r -a f <<< "$stat"
  echo $(( (f[11] + f[12]) * 1000 / $(getconf CLK_TCK) ))
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

port=$(( 40000 + $$ % 20000 ))
# start_server NAME: starts spad or fwknopd on $port in the background (server_pid) and waits until the port is
# bound; leaves "ms_to_ready cpu_ms_at_ready" in $work/ready
start_server() {
  local name=$1 t0 dir=$work/$1
  mkdir -p "$dir"
  printf 'UDPSERV_PORT %s;\nFWKNOP_RUN_DIR %s;\n' "$port" "$dir" > "$dir/fwknopd.conf"
  chmod 600 "$dir/fwknopd.conf"
  local argv=(-f -t -U -c "$dir/fwknopd.conf" -a "$work/access.conf" -d "$dir/digest.cache" -p "$dir/pid")
  t0=$EPOCHREALTIME
  case $name in
    spad) "$image/bin/spad" "${argv[@]}" >"$dir/out" 2>"$dir/err" </dev/null & ;;
    fwknopd) fwknopd "${argv[@]}" >"$dir/out" 2>"$dir/err" </dev/null & ;;
  esac
  server_pid=$!
  until udp_bound "$port"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/err" >&2; die "$name exited at start"; }
  done
  echo "$(ms_since "$t0") $(cpu_ms "$server_pid")" > "$work/ready"
}
# server NAME: one start; appends "ms_to_ready cpu_ms idle_rss_kb" to NAME's figures
server() {
  start_server "$1"
  sleep 2
  echo "$(< "$work/ready") $(rss_kb "$server_pid")" >> "$work/$1-ready"
  stop "$server_pid"
  server_pid=
}

cases=(spa-T fwknop-T spa-send fwknop-send spad fwknopd)
echo "footprint: $ROUNDS rounds of ${cases[*]}; image $image; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq "$ROUNDS"); do
  # a different order each round, so that no case always follows the same one
  for c in $(printf '%s\n' "${cases[@]}" | shuf); do
    case $c in
      spa-T) client "$c" "$image/bin/spa" "${packet[@]}" "${keys[@]}" -T ;;
      fwknop-T) client "$c" fwknop "${packet[@]}" "${keys[@]}" -T ;;
      spa-send) client "$c" "$image/bin/spa" "${packet[@]}" -p 9 "${keys[@]}" ;;
      fwknop-send) client "$c" fwknop "${packet[@]}" -p 9 "${keys[@]}" ;;
      spad|fwknopd) server "$c" ;;
    esac
  done
  echo "round $r done" >&2
done

# median FILE COLUMN / minimum FILE COLUMN (nearest rank)
median() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimum() { awk -v c="$2" '{ print $c }' "$1" | sort -n | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo
printf '%-14s %12s %10s %10s %12s\n' case wall-median wall-min cpu-median rss-median
for c in spa-T fwknop-T spa-send fwknop-send; do
  printf '%-14s %9s ms %7s ms %7s ms %9s MB\n' "$c" "$(median "$work/$c" 1)" "$(minimum "$work/$c" 1)" \
    "$(median "$work/$c" 2)" "$(mb "$(median "$work/$c" 3)")"
done
for c in spad fwknopd; do
  printf '%-14s %9s ms %7s ms %7s ms %9s MB  (ready: port bound; RSS idle, 2 s later)\n' "$c-ready" \
    "$(median "$work/$c-ready" 1)" "$(minimum "$work/$c-ready" 1)" "$(median "$work/$c-ready" 2)" \
    "$(mb "$(median "$work/$c-ready" 3)")"
done
echo "ratios spa/fwknop (wall medians): -T $(ratio "$(median "$work/spa-T" 1)" "$(median "$work/fwknop-T" 1)")x," \
  "send $(ratio "$(median "$work/spa-send" 1)" "$(median "$work/fwknop-send" 1)")x," \
  "ready $(ratio "$(median "$work/spad-ready" 1)" "$(median "$work/fwknopd-ready" 1)")x;" \
  "idle RSS $(ratio "$(median "$work/spad-ready" 3)" "$(median "$work/fwknopd-ready" 3)")x"

# the flood: spad idle, then FLOOD_RATE garbage datagrams a second for FLOOD_SECONDS, RSS sampled every second
start_server spad
sleep 2
idle=$(rss_kb "$server_pid")
# and once the JVM has settled: the compilers' scratch memory goes back to the system about every 5 s
sleep 8
settled=$(rss_kb "$server_pid")
"$JAVA_HOME/bin/java" "$here/Flood.java" 127.0.0.1 "$port" "$FLOOD_RATE" 2 $((FLOOD_SECONDS * 1000)) \
  > "$work/flood.out" 2>&1 &
flood_pid=$!
: > "$work/flood-rss"
while kill -0 "$flood_pid" 2>/dev/null; do
  sleep 1
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/spad/err" >&2; die "spad died under the flood"; }
  rss_kb "$server_pid" >> "$work/flood-rss"
done
wait "$flood_pid" || { cat "$work/flood.out" >&2; die "the flood failed"; }
flood_pid=
sent=$(sed -n 's/^sent //p' "$work/flood.out")
[ -n "$sent" ] || { cat "$work/flood.out" >&2; die "the flood said nothing of what it sent"; }
sleep 1   # the last datagrams through spad's capture before it counts them
status=$("$image/bin/spad" -S -c "$work/spad/fwknopd.conf" -p "$work/spad/pid" 2>&1 | tr '\n' ' ' || true)
stop "$server_pid"
server_pid=
samples=$(wc -l < "$work/flood-rss")
window=$(( samples >= 180 ? 60 : (samples + 2) / 3 ))
first=$(head -n "$window" "$work/flood-rss" | sort -n | tail -1)
last=$(tail -n "$window" "$work/flood-rss" | sort -n | tail -1)
peak=$(sort -n "$work/flood-rss" | tail -1)
echo
echo "idle: spad RSS $(mb "$idle") MB 2 s after ready, $(mb "$settled") MB 10 s after"
echo "flood: $sent garbage datagrams in $FLOOD_SECONDS s ($((sent / FLOOD_SECONDS))/s asked $FLOOD_RATE/s) to spad -t -U"
echo "flood: spad RSS idle $(mb "$idle") MB, peak $(mb "$peak") MB; largest of the first $window s $(mb "$first") MB," \
  "of the last $window s $(mb "$last") MB: growth $(mb $((last - first))) MB"
echo "flood: spad -S: $status"
