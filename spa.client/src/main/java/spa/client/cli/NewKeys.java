package spa.client.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import spa.client.ClientException;
import spa.client.KeyGen;
import spa.client.rc.IoErrors;
import spa.client.rc.RcVariables;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.Settings;

/** {@code -k} / {@code -K FILE}: new random Rijndael and HMAC keys, printed, written to a file or saved in a stanza. */
final class NewKeys {
  private final Environment environment;
  private final SpaOptions o;
  private final PrintStream out;

  NewKeys(Environment environment, SpaOptions o, PrintStream out) {
    this.environment = environment;
    this.o = o;
    this.out = out;
  }

  /** Generates keys; writes them to the rc stanza {@code save} when given (into {@code rcPath}), else prints or files them. */
  void run(Settings s, StanzaSave save, Settings cli, Path rcPath) throws ConfigException, ClientException {
    DigestType hmacType = DigestType.SHA256;
    if (s.has("HMAC_DIGEST_TYPE")) {
      String v = s.get("HMAC_DIGEST_TYPE").orElseThrow();
      hmacType = DigestType.parse(v).orElseThrow(
          () -> s.invalid("HMAC_DIGEST_TYPE", "unknown digest '" + v + "'; use " + DigestType.names()));
    }
    SpaOptions.KeyGeneration g = o.keyGeneration();
    int keyLen = g.keyLen == null ? KeyGen.AES_KEY_LENGTH : g.keyLen;
    int hmacLen = g.hmacKeyLen == null ? KeyGen.defaultHmacKeyLength(hmacType) : g.hmacKeyLen;
    if (keyLen < 1 || keyLen > KeyGen.AES_KEY_LENGTH) {
      throw new ClientException("--key-len " + keyLen + ": encryption keys are 1.." + KeyGen.AES_KEY_LENGTH + " bytes");
    }
    if (hmacLen < 1 || hmacLen > KeyGen.MAX_HMAC_KEY_LENGTH) {
      throw new ClientException("--hmac-key-len " + hmacLen + ": HMAC keys are 1.." + KeyGen.MAX_HMAC_KEY_LENGTH + " bytes");
    }
    KeyGen.Keys generated = new KeyGen(environment.random()).generate(keyLen, hmacLen);
    String lines = generated.toLines();
    if (save != null) {
      Settings keyed = RcVariables.overlay(cli, Settings.builder("key generation")
          .put("KEY_BASE64", generated.keyBase64(), "key generation")
          .put("HMAC_KEY_BASE64", generated.hmacKeyBase64(), "key generation")
          .put("USE_HMAC", "Y", "key generation").build());
      save.save(keyed, o.config().forceStanza, environment.prompt(), out);
      out.println("[+] Wrote Rijndael and HMAC keys to rc file: " + rcPath);
      return;
    }
    if (g.keyGenFile == null) {
      out.print(lines);
      return;
    }
    Path file = Path.of(g.keyGenFile);
    try {
      PrivateFile.write(file, lines, false);
    } catch (IOException e) {
      throw new ClientException("cannot write keys to " + file + ": " + IoErrors.describe(e));
    }
    out.println("[+] Wrote Rijndael and HMAC keys to: " + file);
  }
}
