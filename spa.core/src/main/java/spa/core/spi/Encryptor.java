package spa.core.spi;

import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.SpaException;

/** Turns SPA plaintext into the wire string, for the client. The mirror of {@link Decryptor}. */
public interface Encryptor {

  String name();

  /** Whether the settings (rc-file names: {@code KEY}, {@code KEY_BASE64}, {@code USE_HMAC}, ...) configure this cipher. */
  boolean configuredBy(Settings settings);

  Keyed forKeys(Settings settings) throws ConfigException;

  /** An encryptor bound to one set of keys. */
  interface Keyed {
    String encrypt(String plaintext) throws SpaException;
  }
}
