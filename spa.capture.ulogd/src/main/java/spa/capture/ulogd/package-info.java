/**
 * The {@code ulogd} capture: follows the pcap file that ulogd2's PCAP output plugin writes from an
 * NFLOG firewall rule, like {@code tail -F}, through rotation and truncation.
 */
package spa.capture.ulogd;
