package spa.client;

import java.util.Map;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/** Real AES keys from the installed cipher module, shared by the tests. */
public final class TestKeys {
  private TestKeys() {}

  public static final String KEY = "fwknoptest";
  public static final String HMAC_KEY = "hmactest";

  public static Settings settings() {
    return Settings.of(Map.of("KEY", KEY, "HMAC_KEY", HMAC_KEY, "USE_HMAC", "Y"), "test");
  }

  public static Encryptor.Keyed encryptor() throws ConfigException {
    return Ciphers.installed().encryptor("aes").orElseThrow().forKeys(settings());
  }

  public static Decryptor.Keyed decryptor(Settings s) throws ConfigException {
    return Ciphers.installed().decryptor("aes").orElseThrow().forStanza(s);
  }

  public static String decrypt(String wire) throws ConfigException, SpaException {
    return decryptor(settings()).decrypt(wire);
  }
}
