/** The service interfaces that capture, cipher, policy and firewall plugins provide, found with ServiceLoader. */
package spa.core.spi;
