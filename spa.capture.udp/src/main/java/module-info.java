/** Plain UDP socket capture (fwknopd -U). */
module spa.capture.udp {
  requires spa.core;
  requires com.sun.jna; // setsockopt(SO_RCVBUFFORCE) only
  provides spa.core.spi.CaptureSource with spa.capture.udp.UdpCaptureSource;
}
