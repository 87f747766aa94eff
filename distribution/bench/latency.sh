#!/usr/bin/env bash
# Knock-to-open latency: the time from sending one SPA packet to the first TCP connection to the protected port
# that the server accepts, measured in two network namespaces (client, server) that the script creates and
# deletes, for several servers side by side in one run:
#   fwknopd-udp     Debian's fwknopd 2.6.10, iptables, UDP server mode (-U: no libpcap, wakes on the datagram;
#                   its fastest supported mode)
#   fwknopd-pcap    the same fwknopd sniffing with libpcap as its shipped fwknopd.conf does (PCAP_LOOP_SLEEP
#                   left at its default of 100000 us), the way most fwknop installations run
#   spad-udp        the image's spad -U --firewall nftables (UDP capture)
#   spad-pcap       the image's spad -i IF --firewall nftables (pcap capture, the shipped pcap settings)
#   spad-iptables   the image's spad -U --firewall iptables (the same iptables rules as fwknopd; only when named
#                   in BENCH_SYSTEMS)
#   spad-udp-nft    spad-udp with NFT_USE_LIBRARY N: every change an nft process (only when named)
# Each server gets WARMUP unmeasured knocks and then TRIALS measured ones, each a distinct packet from its own
# client address (so no earlier opening helps). Packets are made beforehand by the fwknop client (-T -B).
# The client (bench/Knock.java) sends the packet, then starts a fresh TCP connection every KNOCK_INTERVAL_US
# microseconds (default 100) until one completes (the sockets of the first 50 ms of attempts are opened and bound
# before the packet is sent, so an attempt is one connect and costs the server's CPUs little; its timer slack is
# 1 ns, so a park of 80 us takes ~103 us, not ~154); a knock's figure is the send time of the first accepted
# attempt, from the same clock as the packet's send. Prints each server's median, p90 and p99 (nearest rank),
# min and max, their ratio to fwknopd -U, and the mean interval the client achieved between attempts.
#   distribution/bench/latency.sh [TRIALS] [WARMUP]      (defaults 50 and 5; needs root and a built image, or SPA_HOME)
# BENCH_SYSTEMS="spad-udp fwknopd-udp ..." picks the servers (default: the four above, in that order).
# BENCH_SPAD_CONF="SPA_WARM_UP 50000;" adds lines to spad's fwknopd.conf (every spad server).
# BENCH_KEEP=1 keeps the work directory (each server's log, packets and raw figures) and prints where it is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${SPA_HOME:-$(cd "$here/.." && pwd)/target/spa}   # the image under test: SPA_HOME, else the build's
TRIALS=${1:-50}
WARMUP=${2:-5}
INTERVAL_US=${KNOCK_INTERVAL_US:-100}
read -r -a systems <<<"${BENCH_SYSTEMS:-fwknopd-udp fwknopd-pcap spad-udp spad-pcap}"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$PATH:/usr/sbin:/sbin
die() { echo "latency.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, firewalls)"
[ -x "$image/bin/spad" ] || die "no image in $image: mvn -DskipTests package first"
for s in "${systems[@]}"; do
  case $s in fwknopd-udp|fwknopd-pcap|spad-udp|spad-pcap|spad-iptables|spad-udp-nft) ;; *) die "unknown server $s" ;; esac
done
for p in fwknop fwknopd nft iptables nc ip; do command -v "$p" >/dev/null || die "needs $p"; done
[ $((TRIALS + WARMUP)) -le 150 ] || die "at most 150 knocks per server"

SERVER=198.18.0.1 CLIENT=198.18.0.2 UDP_PORT=62201
ns_s=spabench-$$-s ns_c=spabench-$$-c
work=$(mktemp -d)
server_pid= service_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
cleanup() {
  set +e
  stop_server
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  for ns in "$ns_s" "$ns_c"; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null   # anything this script started there and that is still running
    ip netns del "$ns" 2>/dev/null
  done
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept the servers' logs and packets in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
in_s() { ip netns exec "$ns_s" "$@"; }
in_c() { ip netns exec "$ns_c" "$@"; }

echo "compiling the client (bench/Knock.java)"
"$JAVA_HOME/bin/javac" -d "$work/classes" "$here/Knock.java"

# client addresses 198.18.0.100.. : one per knock
ip netns add "$ns_s"
ip netns add "$ns_c"
in_s ip link set lo up
in_c ip link set lo up
in_s ip link add c0 type veth peer name s0 netns "$ns_c"
in_s ip addr add "$SERVER/24" dev c0
in_s ip link set c0 up
in_c ip addr add "$CLIENT/24" dev s0
for i in $(seq 0 $((TRIALS + WARMUP - 1))); do in_c ip addr add "198.18.0.$((100 + i))/24" dev s0; done
in_c ip link set s0 up
ip netns exec "$ns_s" nc -lk -n 22 </dev/null >/dev/null 2>&1 &   # $! is nc itself
service_pid=$!

key=$(head -c 32 /dev/urandom | base64 -w0)
hmac=$(head -c 64 /dev/urandom | base64 -w0)
cat >"$work/access.conf" <<CONF
SOURCE ANY
KEY_BASE64 $key
HMAC_KEY_BASE64 $hmac
OPEN_PORTS tcp/22
CONF
chmod 600 "$work/access.conf"

# reset_firewall: nothing but the admin's rules: established traffic in, tcp/22 dropped (what spad nftables
# does in its own table instead, so its namespace starts empty)
reset_firewall() {
  in_s nft flush ruleset
  for t in filter nat; do in_s iptables -t "$t" -F; in_s iptables -t "$t" -X; done
  if [ "$1" = iptables ]; then
    in_s iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    in_s iptables -A INPUT -p tcp --dport 22 -j DROP
  fi
}

udp_bound() { in_s cat /proc/net/udp /proc/net/udp6 | grep -q "$(printf ':%04X ' "$UDP_PORT")"; }

# start NAME: starts that server in the server namespace and waits until it is ready
start() {
  local name=$1 dir=$work/$1
  mkdir -p "$dir"
  cp "$work/access.conf" "$dir/"
  {
    echo "UDPSERV_PORT $UDP_PORT;"
    echo "FWKNOP_RUN_DIR $dir;"
    case $name in
      fwknopd-pcap) echo "PCAP_INTF c0;" ;;
      spad-udp) echo "NFT_PROTECTED_PORTS tcp/22;" ;;
      spad-udp-nft) echo "NFT_PROTECTED_PORTS tcp/22;"; echo "NFT_USE_LIBRARY N;" ;;
      spad-pcap) echo "PCAP_INTF c0;"; echo "NFT_PROTECTED_PORTS tcp/22;" ;;
    esac
    case $name in spad-*) [ -z "${BENCH_SPAD_CONF:-}" ] || printf '%s\n' "$BENCH_SPAD_CONF" ;; esac
  } >"$dir/fwknopd.conf"
  chmod 600 "$dir/fwknopd.conf"
  local argv
  case $name in
    fwknopd-udp) argv=(fwknopd -f -U) ;;
    fwknopd-pcap) argv=(fwknopd -f -i c0) ;;
    spad-udp|spad-udp-nft) argv=("$image/bin/spad" -U --firewall nftables) ;;
    spad-pcap) argv=("$image/bin/spad" -i c0 --firewall nftables) ;;
    spad-iptables) argv=("$image/bin/spad" -U --firewall iptables) ;;
  esac
  argv+=(-c "$dir/fwknopd.conf" -a "$dir/access.conf" -d "$dir/digest.cache" -p "$dir/pid")
  ip netns exec "$ns_s" "${argv[@]}" >"$dir/server.log" 2>&1 </dev/null &   # $! is the server itself
  server_pid=$!
  for _ in $(seq 400); do
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "$name exited at start"; }
    case $name in
      fwknopd-pcap) grep -q 'Starting fwknopd main event loop' "$dir/server.log" && break ;;
      spad-pcap) grep -q 'spad: ready' "$dir/server.log" && break ;;
      *) udp_bound && break ;;
    esac
    sleep 0.05
  done
  sleep 0.5   # the first poll of the capture loop, the firewall set up
}

# measure NAME: prints the measured knocks' lines from Knock: accepted-us completed-us attempts
measure() {
  local name=$1 dir=$work/$1 args=() i from
  for i in $(seq 0 $((TRIALS + WARMUP - 1))); do
    from=198.18.0.$((100 + i))
    HOME=$work fwknop --no-save-args --no-rc-file -T -A tcp/22 -a "$from" -D "$SERVER" --use-hmac \
      --key-base64-rijndael "$key" --key-base64-hmac "$hmac" -B "$dir/packet-$i" >/dev/null
    args+=("$from=$dir/packet-$i")
  done
  in_c "$JAVA_HOME/bin/java" -Xshare:auto --enable-native-access=ALL-UNNAMED -cp "$work/classes" Knock "$SERVER" "$UDP_PORT" 22 "$INTERVAL_US" "${args[@]}" \
    >"$dir/latency.raw"
  if grep -q timeout "$dir/latency.raw"; then
    cat "$dir/server.log" >&2
    die "$name: $(grep -c timeout "$dir/latency.raw") knocks never opened the port"
  fi
  tail -n +$((WARMUP + 1)) "$dir/latency.raw"
}

# stats FILE: "median p90 p99 min max" of the first column, in microseconds (nearest rank)
stats() {
  cut -d' ' -f1 "$1" | sort -n | awk '
    function rank(q,  r) { r = int(q * NR); if (r < q * NR) r++; return v[r] }
    { v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%d %d %d %d %d\n", m, rank(0.9), rank(0.99), v[1], v[NR] }'
}

# pace FILE: the mean microseconds between the client's connection attempts over all knocks
pace() { awk '$3 > 1 { t += $2; n += $3 - 1 } END { printf "%.0f", n ? t / n : 0 }' "$1"; }

for s in "${systems[@]}"; do
  case $s in spad-udp|spad-pcap|spad-udp-nft) reset_firewall nftables ;; *) reset_firewall iptables ;; esac
  echo "measuring $s: $WARMUP warm-up and $TRIALS measured knocks"
  start "$s"
  measure "$s" >"$work/$s.raw"
  case $s in spad-*) grep -o 'nftables in-process through [^ ]*\|nftables through the nft command.*\|firewall iptables' \
    "$work/$s/server.log" | head -1 | sed "s/^/$s: /" ;; esac
  stop_server
done

echo
echo "knock-to-open latency, $TRIALS knocks each (after $WARMUP warm-up), attempts every $INTERVAL_US us," \
  "$(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %10s %10s %10s %10s %10s %9s %9s %9s\n' server median p90 p99 min max med/fwk p99/fwk pace
base=${systems[0]}
for s in "${systems[@]}"; do [ "$s" = fwknopd-udp ] && base=fwknopd-udp; done
read -r base_med _ base_p99 _ _ < <(stats "$work/$base.raw")
ms() { awk -v x="$1" 'BEGIN{printf "%.2f ms", x/1000}'; }
for s in "${systems[@]}"; do
  read -r med p90 p99 min max < <(stats "$work/$s.raw")
  printf '%-14s %10s %10s %10s %10s %10s %9s %9s %6s us\n' "$s" "$(ms "$med")" "$(ms "$p90")" "$(ms "$p99")" \
    "$(ms "$min")" "$(ms "$max")" \
    "$(awk -v a="$med" -v b="$base_med" 'BEGIN{printf "%.2fx", b ? a/b : 0}')" \
    "$(awk -v a="$p99" -v b="$base_p99" 'BEGIN{printf "%.2fx", b ? a/b : 0}')" "$(pace "$work/$s.raw")"
done
echo "(fwknopd-udp: fwknopd -U; fwknopd-pcap: default PCAP_LOOP_SLEEP 100 ms; ratios against $base;"
echo " pace: the mean interval between the client's connection attempts, the figures' resolution)"
