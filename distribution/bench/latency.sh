#!/usr/bin/env bash
# Knock-to-connect latency: the time from sending one SPA packet to the first TCP connection to the protected
# port that the server accepts, measured in two network namespaces (client, server) that the script creates and
# deletes, for several servers side by side in one run:
#   fwknopd -U      Debian's fwknopd 2.6.10, iptables, UDP server mode (-U: no libpcap, wakes on the datagram;
#                   its fastest supported mode)
#   fwknopd pcap    the same fwknopd sniffing with libpcap as its shipped fwknopd.conf does (PCAP_LOOP_SLEEP
#                   left at its default of 100000 us), the way most fwknop installations run
#   spad nftables   the image's spad -U --firewall nftables
#   spad iptables   the image's spad -U --firewall iptables (the same iptables rules as fwknopd)
# Each server gets WARMUP unmeasured knocks and then TRIALS measured ones, each from its own client address (so
# no earlier opening helps). Packets are made beforehand by the fwknop client (-T -B), the same for every server.
# The client (bench/Knock.java) sends the packet, then starts a fresh TCP connection every millisecond until one
# completes. Prints each server's median and p90 and their ratio to fwknopd -U.
#   distribution/bench/latency.sh [TRIALS] [WARMUP]      (defaults 20 and 3; needs root and a built image)
# BENCH_KEEP=1 keeps the work directory (each server's log, packets and raw figures) and prints where it is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=$(cd "$here/.." && pwd)/target/spa
TRIALS=${1:-20}
WARMUP=${2:-3}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$PATH:/usr/sbin:/sbin
die() { echo "latency.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, firewalls)"
[ -x "$image/bin/spad" ] || die "no image in $image: mvn -DskipTests package first"
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
      spad-nftables) echo "NFT_PROTECTED_PORTS tcp/22;" ;;
    esac
  } >"$dir/fwknopd.conf"
  chmod 600 "$dir/fwknopd.conf"
  local argv
  case $name in
    fwknopd-udp) argv=(fwknopd -f -U) ;;
    fwknopd-pcap) argv=(fwknopd -f -i c0) ;;
    spad-nftables) argv=("$image/bin/spad" -U --firewall nftables) ;;
    spad-iptables) argv=("$image/bin/spad" -U --firewall iptables) ;;
  esac
  argv+=(-c "$dir/fwknopd.conf" -a "$dir/access.conf" -d "$dir/digest.cache" -p "$dir/pid")
  ip netns exec "$ns_s" "${argv[@]}" >"$dir/server.log" 2>&1 </dev/null &   # $! is the server itself
  server_pid=$!
  for _ in $(seq 400); do
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "$name exited at start"; }
    case $name in
      fwknopd-pcap) grep -q 'Starting fwknopd main event loop' "$dir/server.log" && break ;;
      *) udp_bound && break ;;
    esac
    sleep 0.05
  done
  sleep 0.5   # the first poll of the capture loop, the firewall set up
}

# measure NAME: prints the measured latencies (microseconds), one a line
measure() {
  local name=$1 dir=$work/$1 args=() i from
  for i in $(seq 0 $((TRIALS + WARMUP - 1))); do
    from=198.18.0.$((100 + i))
    HOME=$work fwknop --no-save-args --no-rc-file -T -A tcp/22 -a "$from" -D "$SERVER" --use-hmac \
      --key-base64-rijndael "$key" --key-base64-hmac "$hmac" -B "$dir/packet-$i" >/dev/null
    args+=("$from=$dir/packet-$i")
  done
  in_c "$JAVA_HOME/bin/java" -Xshare:auto -cp "$work/classes" Knock "$SERVER" "$UDP_PORT" 22 1000 "${args[@]}" \
    >"$dir/latency.raw"
  if grep -q timeout "$dir/latency.raw"; then
    cat "$dir/server.log" >&2
    die "$name: $(grep -c timeout "$dir/latency.raw") knocks never opened the port"
  fi
  tail -n +$((WARMUP + 1)) "$dir/latency.raw"
}

# stats FILE: "median p90" in microseconds (nearest rank)
stats() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    r = int(0.9 * NR); if (r < 0.9 * NR) r++
    printf "%d %d\n", m, v[r] }'
}

systems=(fwknopd-udp fwknopd-pcap spad-nftables spad-iptables)
for s in "${systems[@]}"; do
  case $s in spad-nftables) reset_firewall nftables ;; *) reset_firewall iptables ;; esac
  echo "measuring $s: $WARMUP warm-up and $TRIALS measured knocks"
  start "$s"
  measure "$s" >"$work/$s.us"
  stop_server
done

echo
echo "knock-to-connect latency, $TRIALS knocks each (after $WARMUP warm-up), $(nproc) CPUs, kernel $(uname -r)"
printf '%-15s %11s %11s %11s %11s %15s %12s\n' server median p90 min max "median/fwknopd" "p90/fwknopd"
read -r base_med base_p90 < <(stats "$work/fwknopd-udp.us")
for s in "${systems[@]}"; do
  read -r med p90 < <(stats "$work/$s.us")
  min=$(sort -n "$work/$s.us" | head -1)
  max=$(sort -n "$work/$s.us" | tail -1)
  printf '%-15s %8.2f ms %8.2f ms %8.2f ms %8.2f ms %15s %12s\n' "$s" \
    "$(awk -v x="$med" 'BEGIN{print x/1000}')" "$(awk -v x="$p90" 'BEGIN{print x/1000}')" \
    "$(awk -v x="$min" 'BEGIN{print x/1000}')" "$(awk -v x="$max" 'BEGIN{print x/1000}')" \
    "$(awk -v a="$med" -v b="$base_med" 'BEGIN{printf "%.2fx", a/b}')" \
    "$(awk -v a="$p90" -v b="$base_p90" 'BEGIN{printf "%.2fx", a/b}')"
done
echo "(fwknopd-udp: fwknopd -U; fwknopd-pcap: default PCAP_LOOP_SLEEP 100 ms; ratios against fwknopd -U)"
