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
import java.util.function.Function;
import java.util.stream.Stream;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/** The cipher providers the client can use, by short name ({@code aes}, {@code gpg}). */
public final class Ciphers {
  private final List<Encryptor> encryptors;
  private final List<Decryptor> decryptors;
  /** The plugin directories, searched only for a name the providers above lack; null when there are none. */
  private final Path pluginsRoot;
  /** Their providers once loaded (a layer per directory is costly: Bouncy Castle's signed jars are verified). */
  private Ciphers plugins;

  public Ciphers(Iterable<Encryptor> encryptors, Iterable<Decryptor> decryptors) {
    this(encryptors, decryptors, null);
  }

  private Ciphers(Iterable<Encryptor> encryptors, Iterable<Decryptor> decryptors, Path pluginsRoot) {
    this.encryptors = copy(encryptors);
    this.decryptors = copy(decryptors);
    this.pluginsRoot = pluginsRoot;
  }

  /** The providers visible to this module: the boot layer and, through the context class loader, the class path. */
  public static Ciphers installed() {
    return new Ciphers(ServiceLoader.load(Encryptor.class), ServiceLoader.load(Decryptor.class));
  }

  /**
   * The installed providers and those of each {@code cipher-*} directory under {@code pluginsRoot} (an
   * installation's {@code plugins/}), each directory loaded as one module layer over the boot layer, so that a
   * plugin's libraries (Bouncy Castle for {@code gpg}) stay out of the boot layer. The directories are loaded
   * when a name is first asked for that the installed providers lack (so {@code aes}, in the boot layer, never
   * loads them); a provider there never replaces an installed one of the same name. A directory that does not
   * resolve is skipped: the cipher it holds is then reported as not installed.
   */
  public static Ciphers installed(Path pluginsRoot) {
    return new Ciphers(ServiceLoader.load(Encryptor.class), ServiceLoader.load(Decryptor.class), pluginsRoot);
  }

  private synchronized Ciphers plugins() {
    if (plugins == null) {
      List<Encryptor> enc = new ArrayList<>();
      List<Decryptor> dec = new ArrayList<>();
      if (Files.isDirectory(pluginsRoot)) {
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
      plugins = new Ciphers(enc, dec);
    }
    return plugins;
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

  /** Adds the items of {@code found} whose name no item of {@code to} has (ServiceLoader instantiates each once). */
  private static <T> void addNew(List<T> to, Iterable<T> found, Function<T, String> name) {
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
    Optional<Encryptor> found = named(encryptors, Encryptor::name, name);
    return found.isPresent() || pluginsRoot == null ? found : plugins().encryptor(name);
  }

  public Optional<Decryptor> decryptor(String name) {
    Optional<Decryptor> found = named(decryptors, Decryptor::name, name);
    return found.isPresent() || pluginsRoot == null ? found : plugins().decryptor(name);
  }

  /** Names of the encryptors found, for messages (this loads the plugin directories). */
  public List<String> encryptorNames() {
    List<String> names = new ArrayList<>(encryptors.stream().map(Encryptor::name).toList());
    if (pluginsRoot != null) {
      plugins().encryptorNames().stream().filter(n -> !names.contains(n)).forEach(names::add);
    }
    return List.copyOf(names);
  }

  private static <T> Optional<T> named(List<T> items, Function<T, String> name, String wanted) {
    for (T t : items) {
      if (name.apply(t).equals(wanted)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private static <T> List<T> copy(Iterable<T> items) {
    List<T> out = new ArrayList<>();
    items.forEach(out::add);
    return List.copyOf(out);
  }
}
