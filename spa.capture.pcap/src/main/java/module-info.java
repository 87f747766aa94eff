/** libpcap capture with pcap4j: live (immediate mode, BPF, inbound) and offline files. */
module spa.capture.pcap {
  requires spa.core;
  requires spa.pcap.format;
  requires org.pcap4j.core;
  requires com.sun.jna;
  requires java.sql; // PcapHandle.getTimestamp() returns java.sql.Timestamp
  provides spa.core.spi.CaptureSource with spa.capture.pcap.PcapCaptureSource;
}
