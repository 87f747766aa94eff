/**
 * The service interfaces that capture, cipher, policy and firewall plugins provide, found with ServiceLoader.
 * Stable API for plugin authors: what is public here changes only with a release note.
 */
package spa.core.spi;
