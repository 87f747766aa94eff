package spa.core.spi;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.SpaException;

/**
 * Turns the wire string of one packet into SPA plaintext for one access stanza's keys. Checks the MAC
 * before it decrypts, with constant-time comparisons.
 */
public interface Decryptor {

  /** Short name, such as {@code aes} or {@code gpg}. */
  String name();

  /** Whether a stanza's settings configure this cipher (for {@code aes}: {@code KEY} or {@code KEY_BASE64}). */
  boolean configuredBy(Settings stanza);

  /** Prepares the keys of one stanza; fails with the place and key of a bad setting. */
  Keyed forStanza(Settings stanza) throws ConfigException;

  /**
   * Throwaway keys and distinct packets sealed with them, as this cipher's clients send them: when spad starts it
   * decides them some thousands of times, on a thread of its own and against a stanza of their own, so that the
   * JIT has compiled the packet path before the first real packet (which would otherwise run interpreted, some
   * hundreds of microseconds slower). Null, the default, when the cipher offers none. The keys must be made for
   * the sample, never a stanza's.
   */
  default Sample sample() {
    return null;
  }

  /**
   * See {@link #sample()}.
   *
   * @param keys the settings of a stanza that opens the packets (its keys: no SOURCE or OPEN_PORTS)
   * @param source the address every packet asks access for, which the warm-up makes them come from
   * @param packets the packets, each a wire string's bytes (one byte per character), each an access request
   */
  record Sample(Settings keys, java.net.InetAddress source, List<byte[]> packets) {
    public Sample {
      packets = List.copyOf(packets);
      if (packets.isEmpty()) {
        throw new IllegalArgumentException("a sample without packets");
      }
    }
  }

  /**
   * A packet's plaintext, one byte per character, and who sent it, as far as the cipher knows. The packet path
   * decodes the bytes as they are ({@link spa.core.codec.SpaCodec#decode(byte[])}), so a cipher hands over an array
   * of its own, which nothing writes to afterwards.
   *
   * @param text the plaintext's bytes
   * @param signer the fingerprint of the key that signed the packet (GnuPG), or null
   */
  record Opened(byte[] text, String signer) {
    public Opened {
      Objects.requireNonNull(text, "text");
    }

    /**
     * For a cipher that has the plaintext as a string: a character beyond one byte becomes 0xff, which the decoder
     * refuses as it refuses every character outside printable ASCII.
     */
    public Opened(String plaintext, String signer) {
      this(oneBytePerChar(plaintext), signer);
    }

    private static byte[] oneBytePerChar(String s) {
      byte[] b = new byte[s.length()];
      for (int i = 0; i < b.length; i++) {
        char c = s.charAt(i);
        b[i] = c > 0xff ? (byte) 0xff : (byte) c;
      }
      return b;
    }

    /** The plaintext as a string. */
    public String plaintext() {
      return new String(text, StandardCharsets.ISO_8859_1);
    }
  }

  /** A decryptor bound to one stanza's keys. Safe for use from several threads. */
  interface Keyed {
    /** The plaintext, or {@link SpaException} of kind {@code AUTH} when MAC or decryption fails. */
    String decrypt(String wire) throws SpaException;

    /**
     * {@link #decrypt(String)} of the wire bytes {@code wire[off, off+len)} (one byte per character), for the
     * packet path: null where {@link #decrypt(String)} fails with kind {@code AUTH}, as refusing a packet is
     * the common case and costs no exception. Ciphers override it to work on the bytes in place.
     */
    default String decrypt(byte[] wire, int off, int len) throws SpaException {
      try {
        return decrypt(new String(wire, off, len, StandardCharsets.ISO_8859_1));
      } catch (SpaException e) {
        if (e.kind() == SpaException.Kind.AUTH) {
          return null;
        }
        throw e;
      }
    }

    /**
     * {@link #decrypt(byte[], int, int)} with the signer, for ciphers that know one: null where that gives null;
     * {@link SpaException} of kind {@code REFUSED} when the cipher opened the packet but refuses its sender.
     */
    default Opened open(byte[] wire, int off, int len) throws SpaException {
      String plaintext = decrypt(wire, off, len);
      return plaintext == null ? null : new Opened(plaintext, null);
    }
  }
}
