/** Client library and the spa command: build and send SPA packets. */
module spa.client {
  // spa.core's types (SpaMessage, Encryptor, DigestType, ...) and HttpClient appear in this module's API
  requires transitive spa.core;
  requires transitive java.net.http;
  requires info.picocli;
  // raw sockets for -P udpraw, tcpraw, icmp
  requires com.sun.jna;
  // spa --qr
  requires io.nayuki.qrcodegen;
  exports spa.client;
  opens spa.client.cli to info.picocli;
  uses spa.core.spi.Encryptor;
  uses spa.core.spi.Decryptor;
}
