/** Plain UDP socket capture (fwknopd -U). */
module spa.capture.udp {
  requires spa.core;
  provides spa.core.spi.CaptureSource with spa.capture.udp.UdpCaptureSource;
}
