package spa.client;

import spa.core.SpaMessage;

/**
 * One built packet.
 *
 * @param message the message that was encoded
 * @param plaintext the encoded plaintext, {@code fields:digest}
 * @param wire the string that goes on the wire (ciphertext without its fixed prefix, then the HMAC if any)
 */
public record SpaPacket(SpaMessage message, String plaintext, String wire) {

  /** The plaintext without its digest: what fwknop calls the encoded data. */
  public String encodedData() {
    return plaintext.substring(0, plaintext.lastIndexOf(':'));
  }

  /** The base64 digest at the end of the plaintext. */
  public String digest() {
    return plaintext.substring(plaintext.lastIndexOf(':') + 1);
  }
}
