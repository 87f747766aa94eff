/** The {@code udp} capture: a plain UDP socket on the SPA port, like fwknopd's {@code -U} server; needs no libpcap. */
package spa.capture.udp;
