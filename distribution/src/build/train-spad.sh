#!/bin/sh
# Trains IMAGE/lib/spad.aot, spad's ahead-of-time cache (README, "The image"): one run of IMAGE/bin/spad in test mode
# with its UDP capture on a loopback port, knocked by IMAGE/bin/spa PACKETS times (training keys, nothing in the
# firewall is changed); spad writes the cache when it stops. Run by the build once the image is laid out.
#   train-spad.sh IMAGE [PACKETS]
set -eu
image=$1 packets=${2:-8}
work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT
die() { echo "train-spad.sh: $*" >&2; [ -f "$work/err" ] && tail -5 "$work/err" >&2; exit 1; }

key=dHJhaW5pbmcgb25seSwgbm90IGEgcmVhbCBrZXkuLi4=
hmac=dHJhaW5pbmcgb25seSwgbm90IGEgcmVhbCBrZXkuLi4gdHJhaW5pbmcgb25seS4uLg==
printf 'SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\nOPEN_PORTS tcp/22\nKEY_BASE64 %s\nHMAC_KEY_BASE64 %s\n' "$key" "$hmac" \
  > "$work/access.conf"
chmod 600 "$work/access.conf"

# a port nobody holds: spad refuses to start on a taken one, and then the next candidate is tried
for try in 1 2 3 4 5; do
  port=$(( 40000 + ($$ * 7 + try * 1543) % 20000 ))
  printf 'UDPSERV_PORT %s\n' "$port" > "$work/fwknopd.conf"
  chmod 600 "$work/fwknopd.conf"
  SPA_AOT_TRAIN=yes "$image/bin/spad" -f -t -U -c "$work/fwknopd.conf" -a "$work/access.conf" \
    > "$work/out" 2> "$work/err" &
  pid=$!
  ready=
  for _ in $(seq 300); do
    if grep -q '^spad: ready' "$work/err"; then ready=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$ready" ] && break
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
done
[ -n "$ready" ] || die "spad did not start"

i=0
while [ "$i" -lt "$packets" ]; do
  i=$((i + 1))
  HOME=$work "$image/bin/spa" --no-rc-file --no-save-args -A tcp/22 -a "198.18.$((i / 250)).$((i % 250 + 1))" -D 127.0.0.1 -p "$port" \
    --use-hmac --key-base64-rijndael "$key" --key-base64-hmac "$hmac" >/dev/null || die "spa could not send"
done
for _ in $(seq 100); do
  [ "$(grep -c ' accept ' "$work/out" || true)" -ge "$packets" ] && break
  sleep 0.1
done
accepted=$(grep -c ' accept ' "$work/out" || true)
[ "$accepted" -ge "$packets" ] || die "spad accepted $accepted of $packets training packets"
kill -TERM "$pid"
wait "$pid" || die "spad did not stop cleanly"
pid=
[ -s "$image/lib/spad.aot" ] || die "spad wrote no $image/lib/spad.aot"
echo "trained $image/lib/spad.aot on $accepted packets"
