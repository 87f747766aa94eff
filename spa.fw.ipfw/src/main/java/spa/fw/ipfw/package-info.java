/**
 * The {@code ipfw} backend: each grant is one rule number in [IPFW_START_RULE_NUM, +IPFW_MAX_RULES) in the active
 * set, one {@code pass ... keep-state // _exp_<epoch>} rule per proto/port; closing moves the number to the
 * disabled expire set so established keep-state sessions survive, and a purge deletes expired numbers whose
 * dynamic rules are gone. All state is in ipfw itself: every operation reads {@code ipfw -S list}.
 */
package spa.fw.ipfw;
