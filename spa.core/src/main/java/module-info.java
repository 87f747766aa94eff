/**
 * The small core of spa: the service interfaces plugins implement, the value types they exchange,
 * and the fwknop 2.6 SPA message codec. Plugin authors depend on this module alone.
 */
module spa.core {
  exports spa.core;
  exports spa.core.spi;
  exports spa.core.codec;

  uses spa.core.spi.CaptureSource;
  uses spa.core.spi.Decryptor;
  uses spa.core.spi.Encryptor;
  uses spa.core.spi.Authorizer;
  uses spa.core.spi.FirewallBackend;
}
