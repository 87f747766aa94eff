/**
 * The {@code pcap} capture: live capture with libpcap through pcap4j (immediate mode, BPF filter, inbound
 * only), and offline pcap files read in pure Java with the BPF filter compiled by libpcap and run here.
 */
package spa.capture.pcap;
