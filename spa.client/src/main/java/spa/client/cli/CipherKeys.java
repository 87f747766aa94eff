package spa.client.cli;

import java.util.Arrays;
import spa.client.ClientException;
import spa.client.rc.ClientConfig;
import spa.client.rc.KeyFile;
import spa.core.ConfigException;
import spa.core.Settings;

/** The keys a packet needs that the options and rc file did not give: read from key files, or asked for. */
final class CipherKeys {
  private final KeyPrompt keyPrompt;

  CipherKeys(KeyPrompt prompt) {
    this.keyPrompt = prompt;
  }

  /** The cipher settings of {@code c}, with keys from key files or the prompt filled in. */
  Settings fill(ClientConfig c) throws ConfigException, ClientException {
    Settings s = c.settings();
    Settings.Builder b = Settings.builder(s.origin());
    for (String k : s.keys()) {
      b.put(k, s.get(k).orElseThrow(), s.origin(k));
    }
    if (!c.useGpg() && !s.has("KEY") && !s.has("KEY_BASE64")) {
      b.put("KEY", key(c, "KEY_FILE", "Enter encryption key: ",
          "pass it with --key-rijndael, --key-base64-rijndael, -G <file> or --stdin, or set KEY or KEY_BASE64 in ~/.fwknoprc"),
          keyOrigin(s, "KEY_FILE"));
    }
    if (c.useHmac() && !s.has("HMAC_KEY") && !s.has("HMAC_KEY_BASE64")) {
      b.put("HMAC_KEY", key(c, "HMAC_KEY_FILE", "Enter HMAC key: ",
          "pass it with --key-hmac, --key-base64-hmac or --get-hmac-key <file>, or set HMAC_KEY or HMAC_KEY_BASE64 in ~/.fwknoprc"),
          keyOrigin(s, "HMAC_KEY_FILE"));
    }
    if (c.useGpg() && s.has("GPG_SIGNER") && !s.has("GPG_SIGNING_PW") && !s.has("GPG_SIGNING_PW_BASE64")
        && !s.flag("GPG_NO_SIGNING_PW", false)) {
      char[] typed = keyPrompt.read("Enter passphrase for signing: ",
          "pass it with --gpg-signing-pw, or --gpg-no-signing-pw for a key without one, or set GPG_SIGNING_PW "
              + "or GPG_NO_SIGNING_PW in ~/.fwknoprc");
      try {
        b.put("GPG_SIGNING_PW", new String(typed), "prompt");
      } finally {
        Arrays.fill(typed, '\0');
      }
    }
    b.put("USE_HMAC", c.useHmac() ? "Y" : "N", s.origin("USE_HMAC"));
    return b.build();
  }

  private static String keyOrigin(Settings s, String fileKey) {
    return s.has(fileKey) ? s.origin(fileKey) : "prompt";
  }

  private String key(ClientConfig c, String fileKey, String prompt, String howToPass)
      throws ConfigException, ClientException {
    if (c.settings().has(fileKey)) {
      if (c.server() == null) {
        throw c.settings().invalid(fileKey, "a key file needs the server (-D) to find the key");
      }
      return KeyFile.lookup(c.keyFile(fileKey).orElseThrow(), c.server(), c.settings().origin(fileKey), fileKey);
    }
    char[] typed = keyPrompt.read(prompt, howToPass);
    try {
      if (typed.length == 0) {
        throw new ClientException("no key entered");
      }
      return new String(typed);
    } finally {
      Arrays.fill(typed, '\0');
    }
  }
}
