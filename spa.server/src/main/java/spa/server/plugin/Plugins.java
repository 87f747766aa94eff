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
 *
 * <p>A plugin whose jar declares what it provides ({@value #PROVIDES} in its manifest) becomes a layer only when
 * something asks for one of its providers: a spad that uses nftables and UDP does not read, check or load the
 * other firewalls, pcap4j, Jedis or Bouncy Castle. Once made, its providers must be exactly those it declared, or
 * none of them is used. A plugin without the attribute becomes a layer at once. Thread-safe.
 */
public final class Plugins {
  /** The services spad loads, in the order {@code --list-plugins} shows them. */
  public static final List<Class<?>> SERVICES =
      List.of(CaptureSource.class, Decryptor.class, Authorizer.class, FirewallBackend.class, ReplayStore.class,
          GrantBus.class);

  /**
   * The manifest attribute in which a plugin's jar names its providers, each as a service's simple name and the
   * provider's name: {@code Spa-Provides: ReplayStore redis, GrantBus redis}.
   */
  public static final String PROVIDES = "Spa-Provides";

  /** A layer and where it came from. */
  public record Layer(String name, Path dir, ModuleLayer layer) {}

  /** A provider instance with where it was found. */
  public record Found<S>(S provider, PluginInfo info, ClassLoader loader) {}

  /** A plugin not made into a layer yet, and what it declares. */
  private record Deferred(PluginUnits.Candidate candidate, Set<PluginUnits.Provided> declared) {}

  private final ModuleLayer boot;
  private final Set<String> nativeAccess;
  /** Guarded by this: the layers made so far, the plugins still to make, the faults met. */
  private final List<Layer> layers;
  private final List<Deferred> deferred;
  private final List<String> problems;
  private Map<String, String> bootPackages;

  private Plugins(ModuleLayer boot, Set<String> nativeAccess) {
    this.boot = boot;
    this.nativeAccess = Set.copyOf(nativeAccess);
    this.layers = new ArrayList<>(List.of(new Layer("boot", null, boot)));
    this.deferred = new ArrayList<>();
    this.problems = new ArrayList<>();
  }

  /** Only what is on the module path. */
  public static Plugins bootOnly() {
    return new Plugins(ModuleLayer.boot(), Set.of());
  }

  /**
   * The boot layer and the plugins of {@code roots} (see {@link PluginUnits}); a root that does not exist, or that
   * names a directory met before, adds nothing. Plugins that declare their providers wait until one is asked for;
   * the others become layers now. Modules named in {@code nativeAccess} get native access in the layers that hold
   * them (JNA).
   */
  public static Plugins load(List<Path> roots, Set<String> nativeAccess) {
    Plugins p = new Plugins(ModuleLayer.boot(), nativeAccess);
    Set<Path> seen = new LinkedHashSet<>();
    for (Path r : roots) {
      if (r != null && Files.isDirectory(r)) {
        try {
          seen.add(r.toRealPath());
        } catch (IOException e) {
          p.problems.add(r + ": " + e.getMessage());
        }
      }
    }
    synchronized (p) {
      for (PluginUnits.Candidate c : PluginUnits.candidates(List.copyOf(seen), p.problems)) {
        int before = p.problems.size();
        Set<PluginUnits.Provided> declared = PluginUnits.declared(c, p.problems);
        if (p.problems.size() > before) {
          continue;
        }
        if (declared == null) {
          p.make(c);
        } else {
          p.deferred.add(new Deferred(c, Set.copyOf(declared)));
        }
      }
    }
    return p;
  }

  /** Checks {@code c} and makes its layer; null, with the faults in {@link #problems}, when it cannot be one. */
  private Layer make(PluginUnits.Candidate c) {
    if (bootPackages == null) {
      bootPackages = PluginUnits.packages(boot);
    }
    PluginUnits.Unit u = PluginUnits.check(c, boot, bootPackages, problems);
    if (u == null) {
      return null;
    }
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
      Layer l = new Layer(u.name(), u.origin(), ctl.layer());
      layers.add(l);
      return l;
    } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
      problems.add(u.origin() + ": " + PluginUnits.oneLine(e));
      return null;
    }
  }

  /**
   * Makes the layers of the waiting plugins that declare a provider {@code wanted} accepts, in directory order; a
   * plugin whose providers are not the ones it declared is taken out again, with the reason in {@link #problems}
   * and in {@code errors}.
   */
  private void need(java.util.function.Predicate<PluginUnits.Provided> wanted, List<String> errors) {
    for (var it = deferred.iterator(); it.hasNext(); ) {
      Deferred d = it.next();
      if (d.declared().stream().noneMatch(wanted)) {
        continue;
      }
      it.remove();
      int before = problems.size();
      Layer l = make(d.candidate());
      if (l == null) {
        errors.addAll(problems.subList(before, problems.size()));
        continue;
      }
      Set<PluginUnits.Provided> actual = new LinkedHashSet<>();
      List<String> instantiation = new ArrayList<>();
      for (Class<?> service : SERVICES) {
        for (Found<?> f : providersIn(l, service, instantiation)) {
          actual.add(new PluginUnits.Provided(service.getSimpleName(), f.info().name()));
        }
      }
      if (!actual.equals(d.declared())) {
        layers.remove(l);
        String why = d.candidate().origin() + ": declares " + sorted(d.declared()) + " in " + PROVIDES
            + " but provides " + sorted(actual) + (instantiation.isEmpty() ? "" : " (" + String.join("; ", instantiation) + ")");
        problems.add(why);
        errors.add(why);
      }
    }
  }

  private static List<String> sorted(Set<PluginUnits.Provided> ps) {
    return ps.stream().map(PluginUnits.Provided::toString).sorted().toList();
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

  /** Plugins that could not be turned into layers so far, one line each naming the jar or directory. */
  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /** The layers made so far: the boot layer first. */
  public synchronized List<Layer> layers() {
    return List.copyOf(layers);
  }

  /**
   * Every provider of {@code service}: boot layer first, then plugin layers in directory order; the waiting plugins
   * that declare one become layers first.
   */
  public synchronized <S> List<Found<S>> providers(Class<S> service, List<String> errors) {
    need(p -> p.service().equals(service.getSimpleName()), errors);
    List<Found<S>> out = new ArrayList<>();
    for (Layer l : layers) {
      out.addAll(providersIn(l, service, errors));
    }
    return out;
  }

  /**
   * The providers of {@code service} named {@code name}, in the order of {@link #providers}: of the waiting plugins,
   * only those that declare it become layers.
   */
  public synchronized <S> List<Found<S>> providers(Class<S> service, String name, List<String> errors) {
    need(p -> p.service().equals(service.getSimpleName()) && p.name().equals(name), errors);
    List<Found<S>> out = new ArrayList<>();
    for (Layer l : layers) {
      providersIn(l, service, errors).stream().filter(f -> f.info().name().equals(name)).forEach(out::add);
    }
    return out;
  }

  /**
   * The names of every provider of {@code service}, in the order of {@link #providers}: those of the layers made
   * (instantiated to be asked) and those the waiting plugins declare, which stay waiting.
   */
  public synchronized <S> List<String> names(Class<S> service, List<String> errors) {
    List<String> out = new ArrayList<>();
    for (Layer l : layers) {
      providersIn(l, service, errors).forEach(f -> out.add(f.info().name()));
    }
    for (Deferred d : deferred) {
      d.declared().stream().filter(p -> p.service().equals(service.getSimpleName())).forEach(p -> out.add(p.name()));
    }
    return out;
  }

  /** Each service's name method, by service: a provider of two services is named as the one asked for. */
  private static final Map<Class<?>, Function<Object, String>> NAMES = Map.of(
      CaptureSource.class, p -> ((CaptureSource) p).name(), Decryptor.class, p -> ((Decryptor) p).name(),
      Authorizer.class, p -> ((Authorizer) p).name(), FirewallBackend.class, p -> ((FirewallBackend) p).name(),
      ReplayStore.class, p -> ((ReplayStore) p).name(), GrantBus.class, p -> ((GrantBus) p).name());

  /** The providers of {@code service}, one of {@link #SERVICES}, in layer {@code l}, not those of its parents. */
  private static <S> List<Found<S>> providersIn(Layer l, Class<S> service, List<String> errors) {
    Function<Object, String> nameOf = NAMES.get(service);
    if (nameOf == null) {
      throw new IllegalArgumentException("not a plugin service: " + service.getName());
    }
    List<Found<S>> out = new ArrayList<>();
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
    return out;
  }

  private static PluginInfo info(String name, Class<?> service, Module module, Layer l) {
    var ref = l.layer().configuration().findModule(module.getName()).orElseThrow().reference();
    return new PluginInfo(name, service.getSimpleName(), module.getName(),
        module.getDescriptor().rawVersion().orElse("-"), l.name(), PluginUnits.location(ref));
  }

  /** Every provider of every service in {@link #SERVICES}, in that order: every waiting plugin becomes a layer. */
  public synchronized List<Found<?>> all(List<String> errors) {
    need(p -> true, errors);
    List<Found<?>> out = new ArrayList<>();
    for (Class<?> service : SERVICES) {
      for (Layer l : layers) {
        out.addAll(providersIn(l, service, errors));
      }
    }
    return out;
  }

  /**
   * One line for each name that two providers of one service share (spad could not tell which one is meant),
   * naming the jars: among the layers made and what the waiting plugins declare, none of which is made for this.
   */
  public synchronized List<String> duplicates(List<String> errors) {
    List<String> out = new ArrayList<>();
    Map<PluginUnits.Provided, String> first = new HashMap<>();
    for (Class<?> service : SERVICES) {
      for (Layer l : layers) {
        for (Found<?> f : providersIn(l, service, errors)) {
          duplicate(first, new PluginUnits.Provided(f.info().type(), f.info().name()), f.info().path(), out);
        }
      }
      for (Deferred d : deferred) {
        d.declared().stream().filter(p -> p.service().equals(service.getSimpleName()))
            .forEach(p -> duplicate(first, p, d.candidate().origin().toString(), out));
      }
    }
    return out;
  }

  private static void duplicate(Map<PluginUnits.Provided, String> first, PluginUnits.Provided p, String path,
      List<String> out) {
    String other = first.putIfAbsent(p, path);
    if (other != null) {
      out.add("two " + p.service() + " plugins are named '" + p.name() + "': " + other + " and " + path);
    }
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
