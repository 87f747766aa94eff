package spa.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * Assembles the effective configuration: defaults, then the main file (fwknopd.conf or HOCON), then
 * override files, then the command line; then the access stanzas from the command line's file or folder,
 * the configuration's {@code ACCESS_FOLDER}/{@code ACCESS_FILE}, the HOCON {@code access} list, or
 * {@code access.conf} beside the configuration, in that order.
 */
public final class ConfigLoader {
  private final Consumer<String> warn;
  private final Consumer<String> info;

  public ConfigLoader(Consumer<String> warn) {
    this(warn, m -> { });
  }

  /** {@code info} hears what {@code -v} shows: which file each relative include path was found as. */
  public ConfigLoader(Consumer<String> warn, Consumer<String> info) {
    this.warn = warn;
    this.info = info;
  }

  /**
   * What to read.
   *
   * @param configFile the main file ({@code -c}), or null to look in the usual places
   * @param overrideFiles further files whose variables win over the main file ({@code -O})
   * @param commandLine variables set by options (they win over every file)
   * @param etc the system configuration directory where spad looks when no main file is named ({@code /etc}), or
   *     null to look nowhere; an image's own {@code conf/} holds examples only and is never looked in
   */
  public record Sources(Path configFile, List<Path> overrideFiles, Settings commandLine, Path etc) {
    public Sources {
      overrideFiles = List.copyOf(overrideFiles);
    }
  }

  /**
   * The configuration file used when none is named: {@code etc/spa/spad.conf}, else fwknop's
   * {@code etc/fwknop/fwknopd.conf} (with the {@code access.conf} beside it); null when neither exists.
   */
  public static Path defaultConfigFile(Path etc) {
    if (etc == null) {
      return null;
    }
    return Stream.of(etc.resolve("spa/spad.conf"), etc.resolve("fwknop/fwknopd.conf")).filter(Files::isRegularFile)
        .findFirst().orElse(null);
  }

  /** One line saying which configuration {@link #defaultConfigFile} chose, and why. */
  public static String defaultChoice(Path etc) {
    Path chosen = defaultConfigFile(etc);
    Path spa = etc == null ? Path.of("/etc/spa/spad.conf") : etc.resolve("spa/spad.conf");
    if (chosen == null) {
      return "no -c, and neither " + spa + " nor fwknop's fwknopd.conf exists: defaults, and the access.conf of "
          + "FWKNOP_CONF_DIR";
    }
    return chosen.equals(spa) ? "no -c: reading " + spa
        : "no -c: reading fwknop's " + chosen + " and the access.conf beside it (" + spa + " does not exist)";
  }

  /** The daemon variables alone (enough to find the pid file), without reading access stanzas. */
  public Settings globals(Sources src) throws ConfigException {
    return readAllGlobals(src, new ArrayList<>()).settings;
  }

  private Loaded readAllGlobals(Sources src, List<String> files) throws ConfigException {
    Settings.Builder defaults = Settings.builder("default");
    for (Map.Entry<String, String> e : Variables.SERVER_DEFAULTS.entrySet()) {
      if (e.getValue() != null) {
        defaults.put(e.getKey(), e.getValue());
      }
    }
    Settings globals = defaults.build();
    List<StanzaConfig> inline = null;
    Path main = src.configFile() != null ? src.configFile() : defaultConfigFile(src.etc());
    if (main != null) {
      Loaded l = readGlobals(main, globals);
      globals = l.settings;
      inline = l.stanzas;
      files.add(main.toString());
    }
    for (Path o : src.overrideFiles()) {
      Loaded l = readGlobals(o, globals);
      globals = l.settings;
      if (l.stanzas != null) {
        inline = l.stanzas;
      }
      files.add(o.toString());
    }
    return new Loaded(globals.with(src.commandLine()), inline);
  }

  /** The settings that name files or directories. */
  private static final List<String> PATHS = List.of("ACCESS_FILE", "ACCESS_FOLDER", "FWKNOP_CONF_DIR", "FWKNOP_RUN_DIR",
      "FWKNOP_PID_FILE", "DIGEST_FILE", "DIGEST_MIGRATE_FROM", "GRANT_JOURNAL", "PCAP_FILE");

  public ServerConfig load(Sources src) throws ConfigException {
    List<String> files = new ArrayList<>();
    Loaded all = readAllGlobals(src, files);
    Settings globals = all.settings;
    for (String key : PATHS) {
      globals.path(key); // refused here, with its place, rather than wherever the path is first used
    }
    ServerChecks.check(globals);
    List<StanzaConfig> inline = all.stanzas;
    Path main = src.configFile() != null ? src.configFile() : defaultConfigFile(src.etc());
    Settings cli = src.commandLine();

    List<StanzaConfig> stanzas;
    List<String> skipped = new ArrayList<>();
    String accessOrigin;
    if (cli.has("ACCESS_FOLDER")) {
      accessOrigin = cli.get("ACCESS_FOLDER").orElseThrow();
      stanzas = readAccess(cli.path("ACCESS_FOLDER").orElseThrow(), true, skipped);
    } else if (cli.has("ACCESS_FILE")) {
      accessOrigin = cli.get("ACCESS_FILE").orElseThrow();
      stanzas = readAccess(cli.path("ACCESS_FILE").orElseThrow(), false, skipped);
    } else if (globals.has("ACCESS_FOLDER")) {
      accessOrigin = globals.get("ACCESS_FOLDER").orElseThrow();
      stanzas = readAccess(globals.path("ACCESS_FOLDER").orElseThrow(), true, skipped);
    } else if (globals.has("ACCESS_FILE")) {
      accessOrigin = globals.get("ACCESS_FILE").orElseThrow();
      stanzas = readAccess(globals.path("ACCESS_FILE").orElseThrow(), false, skipped);
    } else if (inline != null) {
      accessOrigin = main.toString();
      stanzas = inline;
    } else {
      Path dir = main != null && main.toAbsolutePath().getParent() != null ? main.toAbsolutePath().getParent()
          : Path.of(globals.get("FWKNOP_CONF_DIR").orElse(Variables.DEFAULT_CONF_DIR));
      Path access = dir.resolve("access.conf");
      accessOrigin = access.toString();
      stanzas = readAccess(access, false, skipped);
    }
    if (!accessOrigin.equals(main == null ? null : main.toString())) {
      files.add(accessOrigin);
    }
    skipped.forEach(warn);
    if (stanzas.isEmpty()) {
      throw new ConfigException(accessOrigin, null, skipped.isEmpty() ? "no access stanzas (each stanza starts with SOURCE)"
          : "no usable access stanzas: all " + skipped.size() + " are skipped (see the warnings)");
    }
    checkUniqueNames(stanzas);
    AccessWarnings.check(stanzas, warn);
    return new ServerConfig(globals, stanzas, files, skipped);
  }

  private record Loaded(Settings settings, List<StanzaConfig> stanzas) {}

  private Loaded readGlobals(Path file, Settings base) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file.toString(), null, Files.exists(file) ? "not a regular file" : "no such file");
    }
    if (HoconFormat.isHocon(file)) {
      FilePermissions.check(file, warn);
      HoconFormat.Loaded l = HoconFormat.parse(file, warn);
      return new Loaded(base.with(l.globals()), l.stanzas());
    }
    Settings.Builder b = Settings.builder(file.toString());
    final Settings earlier = base;
    FwknopFormat.parseServer(file, b, k -> earlier.get(k).orElse(null), warn);
    return new Loaded(base.with(b.build()), null);
  }

  private List<StanzaConfig> readAccess(Path path, boolean folder, List<String> skipped) throws ConfigException {
    if (folder) {
      if (!Files.isDirectory(path)) {
        throw new ConfigException(path.toString(), "ACCESS_FOLDER", "no such directory");
      }
      return fwknop(path, skipped);
    }
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(path.toString(), "ACCESS_FILE", Files.exists(path) ? "not a regular file" : "no such file");
    }
    if (HoconFormat.isHocon(path)) {
      FilePermissions.check(path, warn);
      HoconFormat.Loaded l = HoconFormat.parse(path, warn);
      if (l.stanzas() == null) {
        throw new ConfigException(path.toString(), HoconFormat.ACCESS_KEY, "missing: the file has no access = [ ... ] list");
      }
      return l.stanzas();
    }
    return fwknop(path, skipped);
  }

  private List<StanzaConfig> fwknop(Path path, List<String> skipped) throws ConfigException {
    FwknopFormat.Access a = FwknopFormat.parseAccess(path, warn, info);
    skipped.addAll(a.skipped());
    return a.stanzas();
  }

  private static void checkUniqueNames(List<StanzaConfig> stanzas) throws ConfigException {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (StanzaConfig s : stanzas) {
      if (!seen.add(s.name())) {
        throw new ConfigException(s.settings().origin("NAME"), "NAME", "stanza name '" + s.name() + "' is used twice");
      }
    }
  }
}
