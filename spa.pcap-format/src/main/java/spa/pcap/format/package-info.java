/**
 * Shared by capture plugins: the classic pcap file format and decoding of link-layer frames into packets.
 * Stable API for capture-plugin authors: what is public here changes only with a release note.
 */
package spa.pcap.format;
