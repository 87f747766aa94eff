package spa.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
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
