package spa.server.plugin;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import spa.core.spi.Authorizer;
import spa.core.fleet.GrantBus;
import spa.core.replay.ReplayStore;
import spa.core.spi.CaptureSource;
import spa.core.spi.Decryptor;
import spa.core.spi.FirewallBackend;

/**
 * The plugins spad can use: providers on the module path (the boot layer), then those of each plugin in the
 * plugin directories: a jar {@code plugins/x.jar}, or a directory {@code plugins/<name>/} holding the plugin's jars
 * and its private dependencies, each becoming one child {@link ModuleLayer}. Boot-layer modules win over copies in
 * a plugin.
 */
public final class Plugins {
  /** The services spad loads, in the order {@code --list-plugins} shows them. */
  public static final List<Class<?>> SERVICES =
      List.of(CaptureSource.class, Decryptor.class, Authorizer.class, FirewallBackend.class, ReplayStore.class,
          GrantBus.class);

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
   * The boot layer and one layer per plugin of {@code roots} (see {@link PluginUnits}); a root that does not exist,
   * or that names a directory met before, adds nothing. Modules named in {@code nativeAccess} get native access in
   * the layers that hold them (JNA).
   */
  public static Plugins load(List<Path> roots, Set<String> nativeAccess) {
    List<Layer> layers = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    ModuleLayer boot = ModuleLayer.boot();
    layers.add(new Layer("boot", null, boot));
    Set<Path> seen = new LinkedHashSet<>();
    for (Path r : roots) {
      if (r != null && Files.isDirectory(r)) {
        try {
          seen.add(r.toRealPath());
        } catch (IOException e) {
          problems.add(r + ": " + e.getMessage());
        }
      }
    }
    for (PluginUnits.Unit u : PluginUnits.find(List.copyOf(seen), boot, problems)) {
      try {
        // after-finder and no roots: only what provides services the boot layer uses, plus what that requires;
        // the modules PluginUnits read, not read again (each read of a signed jar verifies its signature)
        Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(), finder(u.modules()), Set.of());
        ModuleLayer.Controller ctl =
            ModuleLayer.defineModulesWithOneLoader(cf, List.of(boot), ClassLoader.getSystemClassLoader());
        for (String m : nativeAccess) {
          // findModule looks in the parents too: a module the boot layer holds has its access from the command line
          ctl.layer().findModule(m).filter(mod -> mod.getLayer() == ctl.layer())
              .ifPresent(mod -> enableNativeAccess(ctl, mod));
        }
        layers.add(new Layer(u.name(), u.origin(), ctl.layer()));
      } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
        problems.add(u.origin() + ": " + PluginUnits.oneLine(e));
      }
    }
    return new Plugins(layers, problems);
  }

  /** A finder of exactly {@code modules}, as read already. */
  private static ModuleFinder finder(List<ModuleReference> modules) {
    Map<String, ModuleReference> byName = new HashMap<>();
    modules.forEach(m -> byName.put(m.descriptor().name(), m));
    Set<ModuleReference> all = Set.copyOf(modules);
    return new ModuleFinder() {
      @Override
      public Optional<ModuleReference> find(String name) {
        return Optional.ofNullable(byName.get(name));
      }

      @Override
      public Set<ModuleReference> findAll() {
        return all;
      }
    };
  }

  /**
   * The plugin directories: the image's {@code plugins/} (when {@code home} is known), then those of
   * {@code --plugins}, then those of {@code SPA_PLUGIN_PATH}.
   *
   * @throws IllegalArgumentException naming the option or variable and a directory that does not exist
   */
  public static List<Path> dirs(Path home, String option, String variable) {
    List<Path> dirs = new ArrayList<>();
    if (home != null) {
      dirs.add(home.resolve("plugins"));
    }
    dirs.addAll(path("--plugins", option));
    dirs.addAll(path("SPA_PLUGIN_PATH", variable));
    return dirs;
  }

  /**
   * The directories of a {@code DIR[:DIR...]} list (null: none), each of which must exist.
   *
   * @param from where the list was given ({@code --plugins}, {@code SPA_PLUGIN_PATH}), for the message
   * @throws IllegalArgumentException naming {@code from} and the first entry that is not a directory
   */
  public static List<Path> path(String from, String list) {
    List<Path> dirs = new ArrayList<>();
    for (String d : list == null ? new String[0] : list.split(":")) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d); // InvalidPathException is an IllegalArgumentException with the path in its message
      if (!Files.isDirectory(p)) {
        throw new IllegalArgumentException(from + ": " + p + " is not a plugin directory (no such directory)");
      }
      dirs.add(p);
    }
    return dirs;
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

  /** Plugins that could not be turned into layers, one line each naming the jar or directory. */
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
          out.add(new Found<>(instance, info(name, service, type.getModule(), l), cl));
        } catch (Exception | ServiceConfigurationError e) {
          errors.add(l.name() + ": " + service.getSimpleName() + " " + type.getName() + ": " + e);
        }
      }
    }
    return out;
  }

  private static PluginInfo info(String name, Class<?> service, Module module, Layer l) {
    var ref = l.layer().configuration().findModule(module.getName()).orElseThrow().reference();
    return new PluginInfo(name, service.getSimpleName(), module.getName(),
        module.getDescriptor().rawVersion().orElse("-"), l.name(), PluginUnits.location(ref));
  }

  /** Every provider of every service in {@link #SERVICES}, in that order. */
  public List<Found<?>> all(List<String> errors) {
    List<Found<?>> out = new ArrayList<>();
    out.addAll(providers(CaptureSource.class, CaptureSource::name, errors));
    out.addAll(providers(Decryptor.class, Decryptor::name, errors));
    out.addAll(providers(Authorizer.class, Authorizer::name, errors));
    out.addAll(providers(FirewallBackend.class, FirewallBackend::name, errors));
    out.addAll(providers(ReplayStore.class, ReplayStore::name, errors));
    out.addAll(providers(GrantBus.class, GrantBus::name, errors));
    return out;
  }

  /**
   * One line for each name that two providers of one service share (spad could not tell which one is meant),
   * naming the jars.
   */
  public static List<String> duplicates(List<Found<?>> all) {
    Map<String, String> first = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Found<?> f : all) {
      String key = f.info().type() + " " + f.info().name();
      String other = first.putIfAbsent(key, f.info().path());
      if (other != null) {
        out.add("two " + f.info().type() + " plugins are named '" + f.info().name() + "': " + other + " and "
            + f.info().path());
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
