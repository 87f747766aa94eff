package spa.distribution.e2e;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.IntStream;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Encryptor;

/**
 * Valid, distinct SPA packets made in-process, thousands a second: the image's {@code aes} encryptor (its
 * spa.cipher.aes, in a child layer of this test's boot layer, as spad loads it) over messages spa.core encodes.
 */
final class Wires {
  private final Encryptor.Keyed encryptor;

  private Wires(Encryptor.Keyed encryptor) {
    this.encryptor = encryptor;
  }

  /** Packets under {@code keys} (Rijndael and HMAC-SHA256, as access.conf's KEY_BASE64 and HMAC_KEY_BASE64). */
  static Wires of(Path image, Keys keys) throws Exception {
    Wires.class.getModule().addUses(Encryptor.class);
    ModuleLayer boot = ModuleLayer.boot();
    Configuration cf = boot.configuration().resolve(ModuleFinder.of(), ModuleFinder.of(image.resolve("lib")),
        Set.of("spa.cipher.aes"));
    ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    Settings s = Settings.of(Map.of("KEY_BASE64", keys.key(), "HMAC_KEY_BASE64", keys.hmacKey(), "USE_HMAC", "Y"),
        "test");
    for (Encryptor e : ServiceLoader.load(layer, Encryptor.class)) {
      if (e.getClass().getModule().getLayer() == layer && e.configuredBy(s)) {
        return new Wires(e.forKeys(s));
      }
    }
    throw new AssertionError("no aes Encryptor in " + image.resolve("lib"));
  }

  /** An access request from {@code user} to open {@code access} (e.g. {@code tcp/22}) for {@code allowIp}, stamped now. */
  String access(String user, String allowIp, String access) {
    SpaMessage m = SpaMessage.builder().random(SpaCodec.randomValue()).user(user)
        .timestamp(System.currentTimeMillis() / 1000).type(MessageType.ACCESS).access(allowIp, access).build();
    try {
      return encryptor.encrypt(SpaCodec.encode(m));
    } catch (SpaException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code n} packets, the i-th opening {@code access} for {@code allowIp(i)}, made in parallel. */
  String[] access(String user, int n, java.util.function.IntFunction<String> allowIp, String access) {
    String[] wires = new String[n];
    IntStream.range(0, n).parallel().forEach(i -> wires[i] = access(user, allowIp.apply(i), access));
    return wires;
  }
}
