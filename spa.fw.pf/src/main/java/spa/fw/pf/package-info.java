/**
 * The {@code pf} backend: spa's rules live in one anchor (PF_ANCHOR_NAME) that pf.conf must reference, one
 * {@code pass in quick proto P from SRC to DST port N keep state label _exp_<epoch>} rule per proto/port, the
 * rule fwknopd writes. Every change loads the whole anchor again ({@code pfctl -a NAME -f -}), rebuilt from the
 * rules listed there that have not expired, so a change is atomic; expiry is the engine's.
 */
package spa.fw.pf;
