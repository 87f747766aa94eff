/**
 * The classic pcap file format and link-layer frame decoding that the pcap and ulogd capture plugins share.
 * Its exported package is stable API for capture-plugin authors; it needs nothing but spa.core.
 */
module spa.pcap.format {
  requires transitive spa.core;
  exports spa.pcap.format;
}
