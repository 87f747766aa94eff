package spa.cipher.aes;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import spa.core.ConfigException;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;

/**
 * The server side of fwknop's Rijndael for one access stanza: {@code KEY} or {@code KEY_BASE64}, optional
 * {@code HMAC_KEY} or {@code HMAC_KEY_BASE64} with {@code HMAC_DIGEST_TYPE} (default sha256), and
 * {@code ENCRYPTION_MODE} (default CBC; the packet does not say which). The HMAC, when configured, is
 * verified in constant time before anything is decrypted.
 */
public final class AesDecryptor implements Decryptor {
  /** Packets in {@link #sample()}: distinct enough that the JIT's profiles fit real traffic. */
  private static final int SAMPLE_PACKETS = 64;
  private static final String SAMPLE_SOURCE = "198.18.0.1";

  @Override
  public String name() {
    return "aes";
  }

  @Override
  public boolean configuredBy(Settings stanza) {
    return AesKeys.present(stanza);
  }

  @Override
  public Keyed forStanza(Settings stanza) throws ConfigException {
    AesKeys keys = AesKeys.from(stanza, AesKeys.Side.SERVER);
    try {
      return new Opener(new RijndaelCodec(keys));
    } catch (GeneralSecurityException e) {
      throw stanza.invalid(AesKeys.HMAC_DIGEST_TYPE, "this JDK cannot do " + keys + ": " + e.getMessage());
    }
  }

  /**
   * Access requests for 198.18.0.1 as fwknop's client seals them with the default settings (HMAC SHA-256, CBC),
   * each with its own salt, random value and port, under fresh random keys.
   */
  @Override
  public Sample sample() {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    byte[] hmac = new byte[64];
    random.nextBytes(key);
    random.nextBytes(hmac);
    Settings keys = Settings.builder("sample keys").put(AesKeys.KEY_BASE64, Base64.getEncoder().encodeToString(key))
        .put(AesKeys.HMAC_KEY_BASE64, Base64.getEncoder().encodeToString(hmac)).build();
    try {
      var seal = new AesEncryptor().forKeys(keys);
      long now = System.currentTimeMillis() / 1000;
      List<byte[]> packets = new ArrayList<>(SAMPLE_PACKETS);
      for (int i = 0; i < SAMPLE_PACKETS; i++) {
        SpaMessage m = SpaMessage.builder().random(SpaCodec.randomValue(random)).user("spa").timestamp(now)
            .type(MessageType.ACCESS).access(SAMPLE_SOURCE, "tcp/" + (22 + i * 997)).build();
        packets.add(seal.encrypt(SpaCodec.encode(m)).getBytes(StandardCharsets.ISO_8859_1));
      }
      return new Sample(keys, InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 1}), packets);
    } catch (ConfigException | SpaException | java.net.UnknownHostException e) {
      throw new IllegalStateException("aes sample: " + e.getMessage(), e);
    }
  }

  /** Decrypts for one stanza; thread-safe. */
  private record Opener(RijndaelCodec codec) implements Keyed {
    @Override
    public String decrypt(String wire) throws SpaException {
      return codec.open(wire);
    }

    @Override
    public String decrypt(byte[] wire, int off, int len) {
      byte[] plaintext = codec.openOrNull(wire, off, len);
      return plaintext == null ? null : new String(plaintext, StandardCharsets.ISO_8859_1);
    }

    @Override
    public Opened open(byte[] wire, int off, int len) {
      byte[] plaintext = codec.openOrNull(wire, off, len);
      return plaintext == null ? null : new Opened(plaintext, null);
    }

    @Override
    public String toString() {
      return "aes " + codec.keys();
    }
  }
}
