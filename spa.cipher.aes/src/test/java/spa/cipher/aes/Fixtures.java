package spa.cipher.aes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import spa.core.Settings;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/** Shared test helpers: settings, keyed ciphers, the known-answer file and external programs. */
final class Fixtures {
  private Fixtures() {}

  /** Settings from alternating key/value pairs; null values are skipped. */
  static Settings settings(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put(kv[i], kv[i + 1]);
      }
    }
    return Settings.of(m, "test.conf");
  }

  static Encryptor.Keyed encryptor(Settings s) throws Exception {
    return new AesEncryptor().forKeys(s);
  }

  static Encryptor.Keyed encryptor(Settings s, byte[] salt) throws Exception {
    Supplier<byte[]> salts = salt::clone;
    return new AesEncryptor(salts).forKeys(s);
  }

  static Decryptor.Keyed decryptor(Settings s) throws Exception {
    return new AesDecryptor().forStanza(s);
  }

  static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  /** One known-answer vector of fwknop-kat.json. */
  record Kat(String name, String key, String hmacKey, String hmacType, String mode, String salt,
      String plaintext, String packet) {
    Settings stanza() {
      return settings("KEY", key, "HMAC_KEY", hmacKey, "HMAC_DIGEST_TYPE", hmacKey == null ? null : hmacType,
          "ENCRYPTION_MODE", mode);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Kat> kats() throws IOException {
    String json;
    try (InputStream in = Fixtures.class.getResourceAsStream("/fwknop-kat.json")) {
      if (in == null) {
        throw new IOException("fwknop-kat.json missing from test resources");
      }
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Kat> out = new ArrayList<>();
    for (Object o : (List<?>) new Json(json).value()) {
      Map<?, ?> m = (Map<?, ?>) o;
      out.add(new Kat((String) m.get("name"), (String) m.get("key"), (String) m.get("hmac_key"),
          (String) m.get("hmac_type"), (String) m.get("mode"), (String) m.get("salt"), (String) m.get("plaintext"),
          (String) m.get("packet")));
    }
    return out;
  }

  /** A minimal JSON reader (objects, arrays, strings with simple escapes, null, true, false, numbers). */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        do {
          ws();
          String k = string();
          ws();
          expect(':');
          m.put(k, value());
          ws();
        } while (s.charAt(i++) == ',');
        check(s.charAt(i - 1) == '}');
        return m;
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        do {
          l.add(value());
          ws();
        } while (s.charAt(i++) == ',');
        check(s.charAt(i - 1) == ']');
        return l;
      }
      if (c == '"') {
        return string();
      }
      for (String lit : new String[] {"null", "true", "false"}) {
        if (s.startsWith(lit, i)) {
          i += lit.length();
          return lit.equals("null") ? null : Boolean.valueOf(lit);
        }
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      check(i > start);
      return Double.valueOf(s.substring(start, i));
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      for (char c = s.charAt(i++); c != '"'; c = s.charAt(i++)) {
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'u' -> {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private void expect(char c) {
      check(s.charAt(i++) == c);
    }

    private void check(boolean ok) {
      if (!ok) {
        throw new IllegalArgumentException("bad JSON near offset " + i);
      }
    }
  }

  /** Output of an external program. */
  record Run(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.ISO_8859_1);
    }
  }

  /** Runs {@code argv} with {@code stdin}, HOME set to {@code home} when not null; 30 s at most. */
  static Run run(List<String> argv, byte[] stdin, Path home) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (home != null) {
      pb.environment().put("HOME", home.toString());
    }
    Path err = java.nio.file.Files.createTempFile("aes-test", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    try {
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(argv.get(0) + " did not finish");
      }
      return new Run(p.exitValue(), out, java.nio.file.Files.readString(err, StandardCharsets.ISO_8859_1));
    } finally {
      java.nio.file.Files.deleteIfExists(err);
    }
  }
}
