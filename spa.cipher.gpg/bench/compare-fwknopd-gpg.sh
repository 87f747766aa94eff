#!/bin/bash
# Whole-process throughput of spad against fwknopd in GnuPG mode, on pcap files, start-up included:
#   valid            N_VALID distinct packets encrypted to the server's RSA-3072 key and signed by the client's
#                    RSA-3072 key (spa's own encoder), every one accepted in test mode
#   garbage          N_GARBAGE base64 packets of GnuPG size (LENGTH characters) against the GPG stanza, no HMAC
#   garbage-hmac     the same packets against the GPG stanza with an HMAC key (they fail the HMAC)
# fwknopd hands every GnuPG packet without HMAC to gpg (through gpgme), so it runs on the first FW_VALID /
# FW_GARBAGE packets of those files (it would take hours on all of them), and on all of them with HMAC; rates are
# packets per second of the median wall time, and the ratios are of rates. Prints `uptime` before and after: the figures only mean something next to the load.
#
# Usage: compare-fwknopd-gpg.sh [-v N_VALID] [-g N_GARBAGE] [-V FW_VALID] [-G FW_GARBAGE] [-l LENGTH] [-R ROUNDS]
#                               [-w WORKDIR [-r]]
#   defaults: -v 10000 -g 100000 -V 200 -G 2000 -l 600 -R 3; -r reuses the keys and packets left in WORKDIR
# Environment:
#   SPA_HOME      the assembled image (bin/spad, lib/, plugins/cipher-gpg/)
#   PCAP_TESTKIT  the jar of the pcap writer (default: spa.pcap-format's test-jar in this source tree)
#   JAVA_HOME     JDK 21 or newer for the generator
#   FWKNOPD       fwknopd binary (default /usr/sbin/fwknopd)
set -euo pipefail

N_VALID=10000
N_GARBAGE=100000
FW_VALID=200
FW_GARBAGE=2000
LENGTH=600
ROUNDS=3
WORK=""
REUSE=""
while getopts "v:g:V:G:l:R:w:r" opt; do
  case $opt in
    v) N_VALID=$OPTARG ;;
    g) N_GARBAGE=$OPTARG ;;
    V) FW_VALID=$OPTARG ;;
    G) FW_GARBAGE=$OPTARG ;;
    l) LENGTH=$OPTARG ;;
    R) ROUNDS=$OPTARG ;;
    w) WORK=$OPTARG ;;
    r) REUSE=1 ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
[ "$FW_VALID" -le "$N_VALID" ] && [ "$FW_GARBAGE" -le "$N_GARBAGE" ] || {
  echo "-V and -G must not exceed -v and -g" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd -P)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
FWKNOPD=${FWKNOPD:-/usr/sbin/fwknopd}
: "${SPA_HOME:?set SPA_HOME to the assembled image (distribution/target/spa)}"
[ -d "$SPA_HOME/plugins/cipher-gpg" ] || { echo "no plugins/cipher-gpg in $SPA_HOME" >&2; exit 1; }
command -v "$FWKNOPD" >/dev/null || { echo "fwknopd not found ($FWKNOPD): apt-get install fwknop-server" >&2; exit 1; }
command -v gpg >/dev/null || { echo "gpg not found: apt-get install gnupg" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 1; }
if [ -z "${PCAP_TESTKIT:-}" ]; then
  for j in "$HERE"/../../spa.pcap-format/target/spa.pcap-format-*-tests.jar; do PCAP_TESTKIT=$j; done
fi
[ -f "${PCAP_TESTKIT:-}" ] || { echo "no pcap writer test-jar: run mvn package or set PCAP_TESTKIT" >&2; exit 1; }

if [ -z "$WORK" ]; then
  WORK=$(mktemp -d /tmp/spa-gpg-bench.XXXXXX)
  trap 'gpgconf --homedir "$WORK/server" --kill all 2>/dev/null; gpgconf --homedir "$WORK/client" --kill all 2>/dev/null; rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/run"
cd "$WORK"

key() { # key HOME NAME PASSPHRASE: an RSA-3072 sign+certify key with an RSA-3072 encryption subkey
  mkdir -p -m 700 "$1"
  gpg --homedir "$1" --batch --pinentry-mode loopback --gen-key 2>/dev/null <<KEY
Key-Type: RSA
Key-Length: 3072
Key-Usage: sign,cert
Subkey-Type: RSA
Subkey-Length: 3072
Subkey-Usage: encrypt
Name-Real: $2
Name-Email: $2@spa.bench
Expire-Date: 0
$( [ -n "$3" ] && echo "Passphrase: $3" || echo "%no-protection" )
%commit
KEY
  gpg --homedir "$1" --batch --with-colons --list-keys | awk -F: '$1 == "fpr" { print $10; exit }'
}
trust() { # trust INTO PASSPHRASE FROM FINGERPRINT: import FROM's key into INTO and sign it locally
  gpg --homedir "$3" --batch --armor --export "$4" | gpg --homedir "$1" --batch --import 2>/dev/null
  gpg --homedir "$1" --batch --pinentry-mode loopback --passphrase "$2" --quick-lsign-key "$4" >/dev/null 2>&1
}
gen() {
  "$JAVA" --module-path "$SPA_HOME/lib:$SPA_HOME/plugins/cipher-gpg:$PCAP_TESTKIT" \
    --add-modules spa.core,spa.pcap.format,spa.pcap.format.testkit,spa.cipher.gpg "$HERE/GenGpgPackets.java" "$@"
}

PASS="bench pass"
INPUTS="$N_VALID $N_GARBAGE $LENGTH"
if [ -n "$REUSE" ] && [ -f inputs ] && [ "$(head -1 inputs)" = "$INPUTS" ]; then
  { read -r _; read -r SERVER; read -r CLIENT; read -r HMAC; } < inputs
  echo "reusing the keys and packets in $WORK" >&2
else
  rm -rf server client inputs
  echo "making RSA-3072 keys ..." >&2
  SERVER=$(key server server "$PASS")
  CLIENT=$(key client client "")
  trust server "$PASS" client "$CLIENT"
  trust client "" server "$SERVER"
  HMAC=$(head -c 64 /dev/urandom | base64 -w0)
  echo "generating $N_VALID valid signed and $N_GARBAGE garbage packets in $WORK ..." >&2
  gen valid "$N_VALID" valid.pcap "$WORK/client" "$SERVER" "$CLIENT"
  gen garbage "$N_GARBAGE" garbage.pcap "$LENGTH"
  printf '%s\n%s\n%s\n%s\n' "$INPUTS" "$SERVER" "$CLIENT" "$HMAC" > inputs
fi
# fwknopd's share: the first packets of the same files (its -C does not stop it inside a pcap dispatch)
gen head "$FW_VALID" valid.pcap valid-fw.pcap
gen head "$FW_GARBAGE" garbage.pcap garbage-fw.pcap
stanza() {
  printf 'SOURCE ANY\nGPG_DECRYPT_ID %s\nGPG_DECRYPT_PW %s\nGPG_REMOTE_ID %s\nFW_ACCESS_TIMEOUT 30\n' \
    "${SERVER:24}" "$PASS" "${CLIENT:32}"
}
stanza > access.conf
{ stanza; echo "HMAC_KEY_BASE64 $HMAC"; } > access-hmac.conf
cat > fwknopd.conf <<CONF
PCAP_DISPATCH_COUNT 1000000
PCAP_LOOP_SLEEP 1
ENABLE_SPA_PACKET_AGING N
DIGEST_FILE $WORK/digest.cache
FWKNOP_RUN_DIR $WORK/run
GPG_HOME_DIR $WORK/server
CONF
chmod 600 access.conf access-hmac.conf fwknopd.conf

run() { # run NAME COUNT COMMAND...: prints the run, keeps NAME.out/.err, adds the wall time to NAME.walls
  local name=$1 count=$2; shift 2
  rm -f digest.cache
  /usr/bin/time -o "$name.time" -f "%e %U %S" "$@" > "$name.out" 2> "$name.err" || {
    echo "$name failed:" >&2; tail -5 "$name.err" >&2; exit 1; }
  read -r wall user sys < "$name.time"
  awk -v n="$name" -v c="$count" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { printf "%-22s %7d pkts %8.2f s %9.1f pkt/s  (cpu %.2f s)\n", n, c, w, c / w, u + s }'
  echo "$wall" >> "$name.walls"
}
median() { sort -n "$1.walls" | awk '{ w[NR] = $1 } END { print NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'; }
rate() { awk -v c="$2" -v w="$(median "$1")" 'BEGIN { printf "%.3f", c / w }'; }
check() { # check NAME EXPECTED_ACCEPTS: spad's own summary line must agree
  grep -q "accepted=$2 " "$1.err" || { echo "$1: expected accepted=$2, got: $(grep received= "$1.err")" >&2; exit 1; }
}
fw_check() { # fw_check NAME EXPECTED_ACCEPTS: fwknopd's test-mode accepts
  local got; got=$(grep -c 'test mode enabled, skipping firewall manipulation' "$1.err" || true)
  [ "$got" = "$2" ] || { echo "$1: expected $2 accepts from fwknopd, got $got" >&2; tail -5 "$1.err" >&2; exit 1; }
}

one() {
  case $1 in
    fwknopd-valid) run "$1" "$FW_VALID" "$FWKNOPD" -f -t -v -a access.conf -c fwknopd.conf --pcap-file valid-fw.pcap -C "$FW_VALID"
      fw_check "$1" "$FW_VALID" ;;
    fwknopd-garbage) run "$1" "$FW_GARBAGE" "$FWKNOPD" -f -t -a access.conf -c fwknopd.conf --pcap-file garbage-fw.pcap -C "$FW_GARBAGE" ;;
    fwknopd-garbage-hmac) run "$1" "$N_GARBAGE" "$FWKNOPD" -f -t -a access-hmac.conf -c fwknopd.conf --pcap-file garbage.pcap -C "$N_GARBAGE" ;;
    spad-valid) run "$1" "$N_VALID" "$SPA_HOME/bin/spad" -t -v -a access.conf -c fwknopd.conf --log-format json --pcap-file valid.pcap -C "$N_VALID"
      check "$1" "$N_VALID" ;;
    spad-garbage) run "$1" "$N_GARBAGE" "$SPA_HOME/bin/spad" -t -v -a access.conf -c fwknopd.conf --log-format json --pcap-file garbage.pcap -C "$N_GARBAGE"
      check "$1" 0 ;;
    spad-garbage-hmac) run "$1" "$N_GARBAGE" "$SPA_HOME/bin/spad" -t -v -a access-hmac.conf -c fwknopd.conf --log-format json --pcap-file garbage.pcap -C "$N_GARBAGE"
      check "$1" 0 ;;
  esac
}
CASES=(fwknopd-valid spad-valid fwknopd-garbage spad-garbage fwknopd-garbage-hmac spad-garbage-hmac)
for c in "${CASES[@]}"; do rm -f "$c.walls"; done
echo "load before: $(uptime)"
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
echo
echo "load after: $(uptime)"
echo "medians of $ROUNDS runs (pkt/s)"
awk -v sv="$(rate spad-valid "$N_VALID")" -v fv="$(rate fwknopd-valid "$FW_VALID")" \
    -v sg="$(rate spad-garbage "$N_GARBAGE")" -v fg="$(rate fwknopd-garbage "$FW_GARBAGE")" \
    -v sh="$(rate spad-garbage-hmac "$N_GARBAGE")" -v fh="$(rate fwknopd-garbage-hmac "$N_GARBAGE")" 'BEGIN {
  printf "valid signed RSA-3072: spad %.1f, fwknopd %.1f: %.1fx (goal > 1)\n", sv, fv, sv / fv
  printf "garbage, no HMAC:      spad %.0f, fwknopd %.1f: %.0fx (goal >= 100)\n", sg, fg, sg / fg
  printf "garbage, HMAC:         spad %.0f, fwknopd %.0f: %.1fx\n", sh, fh, sh / fh
}'
