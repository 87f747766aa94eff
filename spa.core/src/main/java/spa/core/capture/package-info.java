/** Shared by capture plugins: the pcap file format and decoding of link-layer frames into packets. */
package spa.core.capture;
