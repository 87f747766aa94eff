package spa.client;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/** The cipher providers the client can use, by short name ({@code aes}, {@code gpg}). */
public final class Ciphers {
  private final List<Encryptor> encryptors;
  private final List<Decryptor> decryptors;

  public Ciphers(Iterable<Encryptor> encryptors, Iterable<Decryptor> decryptors) {
    this.encryptors = copy(encryptors);
    this.decryptors = copy(decryptors);
  }

  /** The providers visible to this module: the boot layer and, through the context class loader, the class path. */
  public static Ciphers installed() {
    return new Ciphers(ServiceLoader.load(Encryptor.class), ServiceLoader.load(Decryptor.class));
  }

  /**
   * The installed providers and those of each {@code cipher-*} directory under {@code pluginsRoot} (an
   * installation's {@code plugins/}), each directory loaded as one module layer over the boot layer, so that a
   * plugin's libraries (Bouncy Castle for {@code gpg}) stay out of the boot layer. A directory that does not
   * resolve is skipped: the cipher it holds is then reported as not installed.
   */
  public static Ciphers installed(Path pluginsRoot) {
    List<Encryptor> enc = new ArrayList<>();
    List<Decryptor> dec = new ArrayList<>();
    ServiceLoader.load(Encryptor.class).forEach(enc::add);
    ServiceLoader.load(Decryptor.class).forEach(dec::add);
    if (pluginsRoot != null && Files.isDirectory(pluginsRoot)) {
      try (Stream<Path> dirs = Files.list(pluginsRoot)) {
        for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("cipher-")).sorted().toList()) {
          ModuleLayer layer = layer(dir);
          if (layer != null) {
            addNew(enc, ServiceLoader.load(layer, Encryptor.class), Encryptor::name);
            addNew(dec, ServiceLoader.load(layer, Decryptor.class), Decryptor::name);
          }
        }
      } catch (IOException e) {
        // an unreadable plugins directory leaves the boot layer's ciphers
      }
    }
    return new Ciphers(enc, dec);
  }

  private static ModuleLayer layer(Path dir) {
    try {
      ModuleLayer boot = ModuleLayer.boot();
      ModuleFinder finder = ModuleFinder.of(dir);
      Set<String> roots = new HashSet<>();
      finder.findAll().forEach(m -> roots.add(m.descriptor().name()));
      Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(), finder, roots);
      return boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static <T> void addNew(List<T> to, Iterable<T> found, java.util.function.Function<T, String> name) {
    for (T t : found) {
      if (to.stream().noneMatch(x -> name.apply(x).equals(name.apply(t)))) {
        to.add(t);
      }
    }
  }

  /** The providers in {@code layer} and its parents. */
  public static Ciphers inLayer(ModuleLayer layer) {
    return new Ciphers(ServiceLoader.load(layer, Encryptor.class), ServiceLoader.load(layer, Decryptor.class));
  }

  public Optional<Encryptor> encryptor(String name) {
    return encryptors.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  public Optional<Decryptor> decryptor(String name) {
    return decryptors.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** Names of the encryptors found, for messages. */
  public List<String> encryptorNames() {
    return encryptors.stream().map(Encryptor::name).toList();
  }

  private static <T> List<T> copy(Iterable<T> items) {
    List<T> out = new ArrayList<>();
    items.forEach(out::add);
    return List.copyOf(out);
  }
}
