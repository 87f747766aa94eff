package spa.server.engine;

import spa.core.SpaMessage;

/** What trying one stanza's keys on a packet gave. */
sealed interface Authentication {

  /**
   * A key verified and decrypted the packet, and its plaintext is an SPA message.
   *
   * @param signer the fingerprint of the key that signed it (GnuPG), or null
   */
  record Authenticated(SpaMessage message, String signer) implements Authentication {}

  /** A key fit, but what it decrypted is not a valid SPA message. */
  record BadMessage(String detail) implements Authentication {}

  /**
   * No key fit ({@code reason} auth), or the decrypt budget ran out before all were tried (rate).
   *
   * @param detail why, or null when no key simply fit
   */
  record Refused(String reason, String detail) implements Authentication {}
}
