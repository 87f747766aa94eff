/** Follows the pcap file ulogd2 writes from NFLOG, through rotation and truncation. */
module spa.capture.ulogd {
  requires spa.core;
  requires spa.pcap.format;
  provides spa.core.spi.CaptureSource with spa.capture.ulogd.UlogdCaptureSource;
}
