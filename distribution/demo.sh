#!/usr/bin/env bash
# Builds spa, then knocks with bin/spa on two servers running on loopback in test mode (they decide and log,
# but change no firewall): the image's spad, and Debian's fwknopd 2.6 reading the same configuration files.
#   distribution/demo.sh [--no-build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ -z "${MAVEN_OPTS:-}" ] && grep -qE '^JAVA_VERSION="(2[4-9]|[3-9][0-9])' "$JAVA_HOME/release" 2>/dev/null; then
  export MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow
fi

"$root/.ci/install-debian-packages" fwknop-server
if [ "${1:-}" != --no-build ]; then
  echo "== building (mvn -B -ntp -q -DskipTests package)"
  (cd "$root" && mvn -B -ntp -q -Dstyle.color=never -DskipTests package)
fi
image=$root/distribution/target/spa

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== keys from spa -k"
keys=$(HOME=$work "$image/bin/spa" -k)
key=$(sed -n 's/^KEY_BASE64: *//p' <<<"$keys")
hmac=$(sed -n 's/^HMAC_KEY_BASE64: *//p' <<<"$keys")
[ -n "$key" ] && [ -n "$hmac" ] || { echo "spa -k printed no keys: $keys" >&2; exit 1; }

port_bound() { grep -qE "^ *[0-9]+: [0-9A-F]+:$(printf '%04X' "$1") " /proc/net/udp /proc/net/udp6; }
port=$((20000 + RANDOM % 40000))
while port_bound "$port"; do port=$((20000 + RANDOM % 40000)); done

cat >"$work/fwknopd.conf" <<CONF
ENABLE_UDP_SERVER Y;
UDPSERV_PORT $port;
FWKNOP_RUN_DIR $work;
CONF
cat >"$work/access.conf" <<CONF
SOURCE ANY
KEY_BASE64 $key
HMAC_KEY_BASE64 $hmac
HMAC_DIGEST_TYPE sha256
OPEN_PORTS tcp/22
CONF
chmod 600 "$work"/*.conf

# knock NAME COMMAND...: starts the server (test mode, one packet), sends one packet with bin/spa, shows the log.
knock() {
  local name=$1; shift
  echo
  echo "== $name on udp port $port (loopback, test mode): $*"
  "$@" -c "$work/fwknopd.conf" -a "$work/access.conf" -d "$work/$name.digest" -p "$work/$name.pid" \
    >"$work/$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do port_bound "$port" && break; sleep 0.05; done
  port_bound "$port" || { cat "$work/$name.log"; echo "$name did not start" >&2; exit 1; }
  echo "== spa -A tcp/22 -a 198.18.0.2 -D 127.0.0.1 -p $port --use-hmac --key-base64-rijndael ... --key-base64-hmac ..."
  HOME=$work "$image/bin/spa" -A tcp/22 -a 198.18.0.2 -D 127.0.0.1 -p "$port" --use-hmac \
    --key-base64-rijndael "$key" --key-base64-hmac "$hmac" -v | grep -E 'Message String|Final SPA Data|bytes sent'
  for _ in $(seq 200); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; fi
  wait "$server_pid" || true
  server_pid=
  echo "== $name says:"
}

knock spad "$image/bin/spad" -t -U -C 1 --log-format json
cat "$work/spad.log"
grep -q '"event":"accept"' "$work/spad.log" || { echo "spad did not accept the packet" >&2; exit 1; }

fwknopd=$(PATH=$PATH:/usr/sbin:/sbin command -v fwknopd)
knock fwknopd "$fwknopd" -f -t -v -U -C 1
grep -E 'SPA Packet from|Message String|test mode enabled|Error creating' "$work/fwknopd.log"
grep -q -- '--test mode enabled, skipping firewall manipulation' "$work/fwknopd.log" ||
  { echo "fwknopd did not accept the packet" >&2; exit 1; }

echo
echo "== both servers accepted spa's packet (and would have opened tcp/22 for 198.18.0.2)"
