#!/usr/bin/env bash
# spa end to end, in two network namespaces it creates and deletes: a server running the image's spad with
# the nftables backend in front of a TCP service on port 22, and a client at 198.18.0.2 that knocks with the
# image's spa. Shows the port filtered, then open for the client only, then closed again after the timeout.
# Needs root (namespaces, nftables). Exits 0 only if every step behaved as expected.
#   distribution/demo.sh [--no-build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ -z "${MAVEN_OPTS:-}" ] && grep -qE '^JAVA_VERSION="(2[4-9]|[3-9][0-9])' "$JAVA_HOME/release" 2>/dev/null; then
  export MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow
fi

say() { printf '\n== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
die() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: the demo creates network namespaces and nftables rules"
"$root/.ci/install-debian-packages" nftables iproute2 netcat-openbsd
if [ "${1:-}" != --no-build ]; then
  say "building spa (mvn -B -ntp -q -DskipTests package)"
  (cd "$root" && mvn -B -ntp -q -Dstyle.color=never -DskipTests package)
fi
image=$root/distribution/target/spa
[ -x "$image/bin/spad" ] || die "no image in $image: build it first (without --no-build)"

SERVER=198.18.0.1 CLIENT=198.18.0.2 OTHER=198.18.0.3 UDP_PORT=62201 TIMEOUT=4
ns_server=spademo-$$-s ns_client=spademo-$$-c
work=$(mktemp -d)
spad_pid= service_pid=
cleanup() {
  set +e
  [ -n "$spad_pid" ] && kill "$spad_pid" 2>/dev/null && wait "$spad_pid" 2>/dev/null
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  for ns in "$ns_server" "$ns_client"; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null   # anything this demo started there and that is still running
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_server() { ip netns exec "$ns_server" "$@"; }
in_client() { ip netns exec "$ns_client" "$@"; }
# connects FROM: tcp/22 of the server from the client address FROM; true if the service answered within 1 s
connects() { in_client nc -z -n -w 1 -s "$1" "$SERVER" 22 2>/dev/null; }
events() { sed 's/^/   spad: /' "$work/events.jsonl"; }

say "network: namespace $ns_client (client $CLIENT, and $OTHER who never knocks) <-> $ns_server (server $SERVER)"
ip netns add "$ns_server"
ip netns add "$ns_client"
in_server ip link set lo up
in_client ip link set lo up
in_server ip link add c0 type veth peer name s0 netns "$ns_client"
in_server ip addr add "$SERVER/24" dev c0
in_server ip link set c0 up
in_client ip addr add "$CLIENT/24" dev s0
in_client ip addr add "$OTHER/24" dev s0
in_client ip link set s0 up

say "a TCP service on port 22 of the server (netcat standing in for sshd)"
# (ip netns exec runs the program in its own process, so $! is the program itself)
ip netns exec "$ns_server" nc -lk -n 22 </dev/null >/dev/null 2>&1 &
service_pid=$!
for _ in $(seq 100); do in_server nc -z -n -w 1 127.0.0.1 22 2>/dev/null && break; sleep 0.05; done
in_server nc -z -n -w 1 127.0.0.1 22 2>/dev/null || die "the service on port 22 did not start"
connects "$CLIENT" || die "the client cannot reach port 22 even without spad"
ok "reachable from the client while nothing guards it"

say "fresh keys (spa -k), and spad's configuration in fwknop's own format"
keys=$(HOME=$work "$image/bin/spa" -k)
key=$(sed -n 's/^KEY_BASE64: *//p' <<<"$keys")
hmac=$(sed -n 's/^HMAC_KEY_BASE64: *//p' <<<"$keys")
[ -n "$key" ] && [ -n "$hmac" ] || die "spa -k printed no keys: $keys"
cat >"$work/fwknopd.conf" <<CONF
UDPSERV_PORT $UDP_PORT;
FWKNOP_RUN_DIR $work;
CONF
cat >"$work/access.conf" <<CONF
SOURCE ANY
KEY_BASE64 $key
HMAC_KEY_BASE64 $hmac
OPEN_PORTS tcp/22
FW_ACCESS_TIMEOUT $TIMEOUT
CONF
chmod 600 "$work"/*.conf
sed 's/^/   fwknopd.conf: /' "$work/fwknopd.conf"
sed -e 's/^\(KEY_BASE64\|HMAC_KEY_BASE64\) .*/\1 .../' -e 's/^/   access.conf:  /' "$work/access.conf"

say "spad -U --firewall nftables --log-format json, in the server namespace"
ip netns exec "$ns_server" "$image/bin/spad" -c "$work/fwknopd.conf" -a "$work/access.conf" -U --firewall nftables --log-format json \
  -d "$work/digest.cache" -p "$work/spad.pid" >"$work/events.jsonl" 2>"$work/spad.err" </dev/null &
spad_pid=$!
port_hex=$(printf ':%04X ' "$UDP_PORT")
for _ in $(seq 300); do
  in_server cat /proc/net/udp /proc/net/udp6 | grep -q "$port_hex" && break
  kill -0 "$spad_pid" 2>/dev/null || break
  sleep 0.05
done
in_server cat /proc/net/udp /proc/net/udp6 | grep -q "$port_hex" || { cat "$work/spad.err" >&2; die "spad did not start"; }
ok "spad listens on udp/$UDP_PORT; its nftables table:"
in_server nft list table inet spa | sed 's/^/   /'

say "before the knock: port 22 from the client"
if connects "$CLIENT"; then die "port 22 is open before any knock"; fi
ok "filtered (no answer: spad's table drops new connections to tcp/22)"

say "knock: spa -A tcp/22 -a $CLIENT -D $SERVER --use-hmac --key-base64-rijndael ... --key-base64-hmac ..."
in_client env HOME="$work" "$image/bin/spa" -A tcp/22 -a "$CLIENT" -D "$SERVER" -p "$UDP_PORT" --use-hmac \
  --key-base64-rijndael "$key" --key-base64-hmac "$hmac" -v | grep -E 'Message String|Final SPA Data|bytes sent' |
  sed 's/^/   spa: /'
for _ in $(seq 100); do grep -q '"event":"grant"' "$work/events.jsonl" && break; sleep 0.05; done
events
grep -q '"event":"grant"' "$work/events.jsonl" || { cat "$work/spad.err" >&2; die "spad granted nothing"; }
granted=$(date +%s%N)

say "after the knock: port 22 from the client, and from $OTHER"
connects "$CLIENT" || die "port 22 is still filtered for the client after the grant"
ok "open for $CLIENT"
if connects "$OTHER"; then die "port 22 is open for $OTHER, who did not knock"; fi
ok "still filtered for $OTHER"
in_server nft list set inet spa access4 | grep -E 'elements' | sed 's/^[[:space:]]*/   the grant: /'

say "waiting for the ${TIMEOUT} s timeout (the element's kernel timeout closes it)"
deadline=$((granted + (TIMEOUT + 3) * 1000000000))
while connects "$CLIENT"; do
  [ "$(date +%s%N)" -lt "$deadline" ] || die "port 22 is still open for the client $((TIMEOUT + 3)) s after the grant"
  sleep 0.5
done
closed_ms=$((($(date +%s%N) - granted) / 1000000))
[ "$closed_ms" -ge $((TIMEOUT * 1000 - 1500)) ] || die "port 22 closed after only $closed_ms ms"
ok "filtered again for $CLIENT, about $((closed_ms / 1000)) s after the grant"
events | grep -v '"event":"\(accept\|grant\)"' || true

say "done: filtered, opened by one SPA packet for the knocker only, closed after the timeout"
