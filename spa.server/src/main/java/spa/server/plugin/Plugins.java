package spa.server.plugin;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import spa.core.spi.Authorizer;
import spa.core.spi.CaptureSource;
import spa.core.spi.Decryptor;
import spa.core.spi.FirewallBackend;

/**
 * The plugins spad can use: providers on the module path (the boot layer), then those of each
 * {@code plugins/<name>/} directory, which becomes one child {@link ModuleLayer} holding the plugin's jars
 * and its private dependencies. Boot-layer modules win over copies in a plugin directory.
 */
public final class Plugins {
  /** The services spad loads, in the order {@code --list-plugins} shows them. */
  public static final List<Class<?>> SERVICES =
      List.of(CaptureSource.class, Decryptor.class, Authorizer.class, FirewallBackend.class);

  /** A layer and where it came from. */
  public record Layer(String name, Path dir, ModuleLayer layer) {}

  /** A provider instance with where it was found. */
  public record Found<S>(S provider, PluginInfo info, ClassLoader loader) {}

  private final List<Layer> layers;
  private final List<String> problems;

  private Plugins(List<Layer> layers, List<String> problems) {
    this.layers = List.copyOf(layers);
    this.problems = List.copyOf(problems);
  }

  /** Only what is on the module path. */
  public static Plugins bootOnly() {
    return new Plugins(List.of(new Layer("boot", null, ModuleLayer.boot())), List.of());
  }

  /**
   * The boot layer and one layer per subdirectory of {@code pluginsRoot} (none when it does not exist).
   * Modules named in {@code nativeAccess} get native access in the layers that hold them (JNA).
   */
  public static Plugins load(Path pluginsRoot, Set<String> nativeAccess) {
    List<Layer> layers = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    layers.add(new Layer("boot", null, ModuleLayer.boot()));
    if (pluginsRoot == null || !Files.isDirectory(pluginsRoot)) {
      return new Plugins(layers, problems);
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.list(pluginsRoot)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      problems.add(pluginsRoot + ": cannot list: " + e.getMessage());
      return new Plugins(layers, problems);
    }
    ModuleLayer boot = ModuleLayer.boot();
    for (Path dir : dirs) {
      String name = dir.getFileName().toString();
      try {
        // after-finder and no roots: only what provides services the boot layer uses, plus what that requires
        Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(), ModuleFinder.of(dir), Set.of());
        ModuleLayer.Controller ctl =
            ModuleLayer.defineModulesWithOneLoader(cf, List.of(boot), ClassLoader.getSystemClassLoader());
        for (String m : nativeAccess) {
          ctl.layer().findModule(m).ifPresent(mod -> enableNativeAccess(ctl, mod));
        }
        layers.add(new Layer(name, dir, ctl.layer()));
      } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
        problems.add(dir + ": " + e.getMessage());
      }
    }
    return new Plugins(layers, problems);
  }

  /**
   * {@code Controller.enableNativeAccess} is final in JDK 22 and a preview in 21: called through a method handle
   * (core reflection's first call would parse annotations and build an accessor, some 20 ms of start-up), looked
   * up here because the method is caller-sensitive: the caller, this module, must have native access itself.
   */
  private static void enableNativeAccess(ModuleLayer.Controller ctl, Module module) {
    MethodHandle enable;
    try {
      enable = MethodHandles.lookup().findVirtual(ModuleLayer.Controller.class, "enableNativeAccess",
          MethodType.methodType(ModuleLayer.Controller.class, Module.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return; // JDK 21: no native-access warnings to avoid
    }
    try {
      ModuleLayer.Controller unused = (ModuleLayer.Controller) enable.invokeExact(ctl, module);
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      // an unchecked refusal: without it JNA still works; the JDK prints a warning
    }
  }

  /** Directories that could not be turned into layers, with why. */
  public List<String> problems() {
    return problems;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Every provider of {@code service}: boot layer first, then plugin layers in directory order. */
  public <S> List<Found<S>> providers(Class<S> service, Function<S, String> nameOf, List<String> errors) {
    List<Found<S>> out = new ArrayList<>();
    for (Layer l : layers) {
      ServiceLoader<S> loader = ServiceLoader.load(l.layer(), service);
      for (ServiceLoader.Provider<S> p : (Iterable<ServiceLoader.Provider<S>>) () -> loader.stream().iterator()) {
        Class<? extends S> type;
        try {
          type = p.type();
        } catch (ServiceConfigurationError e) {
          errors.add(l.name() + ": " + service.getSimpleName() + ": " + e.getMessage());
          continue;
        }
        if (type.getModule().getLayer() != l.layer()) {
          continue; // a parent layer's provider, listed with that layer
        }
        ClassLoader cl = type.getClassLoader();
        try {
          S instance = withContextLoader(cl, p::get);
          String name = withContextLoader(cl, () -> nameOf.apply(instance));
          out.add(new Found<>(instance, new PluginInfo(name, service.getSimpleName(), type.getModule().getName(),
              l.name()), cl));
        } catch (Exception | ServiceConfigurationError e) {
          errors.add(l.name() + ": " + service.getSimpleName() + " " + type.getName() + ": " + e);
        }
      }
    }
    return out;
  }

  /** Plugin code to run, returning a value or throwing {@code E}. */
  @FunctionalInterface
  public interface PluginCall<T, E extends Exception> {
    T call() throws E;
  }

  /**
   * Runs plugin code with the plugin's loader as context class loader (pcap4j and others rely on it): the one
   * place spad sets it.
   */
  public static <T, E extends Exception> T withContextLoader(ClassLoader loader, PluginCall<T, E> action) throws E {
    Thread t = Thread.currentThread();
    ClassLoader old = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      return action.call();
    } finally {
      t.setContextClassLoader(old);
    }
  }
}
