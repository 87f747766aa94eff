/** Client library and the spa command: build and send SPA packets. */
module spa.client {
  requires spa.core;
  requires info.picocli;
  exports spa.client;
  opens spa.client.cli to info.picocli;
  uses spa.core.spi.Encryptor;
  uses spa.core.spi.Decryptor;
}
