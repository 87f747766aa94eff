/**
 * The small API of spa that every plugin and both commands build on: the service interfaces plugins implement,
 * the value types they exchange, and the fwknop 2.6 SPA message codec. Plugin authors depend on this module alone.
 *
 * <p>Every exported package is stable API for plugin authors: what is public in it changes only with a release
 * note. The modules that look services up (spa.server, spa.client) declare their own {@code uses}.
 */
module spa.core {
  exports spa.core;
  exports spa.core.spi;
  exports spa.core.codec;
  exports spa.core.replay;
  exports spa.core.fleet;
}
