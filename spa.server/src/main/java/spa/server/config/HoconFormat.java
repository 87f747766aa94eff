package spa.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * spad's native format, HOCON ({@code conf/spad.conf}): daemon variables at the top level under their
 * fwknopd.conf names, access stanzas as a list under {@code access} using access.conf names.
 *
 * <pre>
 * MAX_SPA_PACKET_AGE = 2m
 * access = [
 *   { SOURCE = ANY, OPEN_PORTS = [tcp/22], KEY_BASE64 = "...", HMAC_KEY_BASE64 = "...", FW_ACCESS_TIMEOUT = 30s }
 * ]
 * </pre>
 *
 * Booleans become {@code Y}/{@code N}, lists are joined with commas, durations become seconds, and nested
 * objects (plugin sections) are flattened to dotted names.
 */
public final class HoconFormat {
  /** The list of access stanzas. */
  public static final String ACCESS_KEY = "access";

  private static final Pattern HOCON_START =
      Pattern.compile("^(\\{|\\[|\"|include\\s|[A-Za-z_][A-Za-z0-9_.-]*\\s*(=|\\+=|\\{)).*");

  private HoconFormat() {}

  /** What a HOCON file holds: variables, and stanzas when it has an {@code access} list (else null). */
  public record Loaded(Settings globals, List<StanzaConfig> stanzas) {}

  /**
   * True when the file is HOCON rather than fwknop syntax: a {@code .hocon} or {@code .json} name, or a first
   * meaningful line such as {@code NAME = value}, {@code name {}, {@code include "..."} or an opening brace.
   */
  public static boolean isHocon(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".hocon") || name.endsWith(".json")) {
      return true;
    }
    try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
      return lines.map(String::strip)
          .filter(s -> !s.isEmpty() && !s.startsWith("#") && !s.startsWith("//") && !s.startsWith(";"))
          .findFirst().map(s -> HOCON_START.matcher(s).matches()).orElse(false);
    } catch (IOException | java.io.UncheckedIOException e) {
      return false; // the parser that follows reports the file as unreadable
    }
  }

  /** {@link #parse(Path, Consumer)} with unknown variables passed on silently. */
  public static Loaded parse(Path file) throws ConfigException {
    return parse(file, w -> { });
  }

  /**
   * Parses and resolves a HOCON file (environment substitutions such as {@code ${?SPA_KEY}} included). A top-level
   * variable fwknopd does not know is reported to {@code unknown}, one line naming file and key, and kept for
   * plugins, as in fwknopd.conf; nested sections ({@code nftables { ... }}) are plugins' own and pass silently.
   */
  public static Loaded parse(Path file, Consumer<String> unknown) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file.toString(), null, "no such file");
    }
    Config config;
    try {
      config = ConfigFactory.parseFile(file.toFile(),
              ConfigParseOptions.defaults().setSyntax(syntaxOf(file)).setAllowMissing(false)
                  .setIncluder(new RequiredIncludes(file.toAbsolutePath().getParent(), null)))
          .resolve(ConfigResolveOptions.defaults());
    } catch (com.typesafe.config.ConfigException e) {
      throw convert(file, e);
    }
    Settings.Builder globals = Settings.builder(file.toString());
    List<StanzaConfig> stanzas = null;
    try {
      for (Map.Entry<String, ConfigValue> e : config.root().entrySet()) {
        if (e.getKey().equals(ACCESS_KEY)) {
          stanzas = stanzas(file, e.getValue());
        } else {
          flatten(file, e.getKey(), e.getValue(), globals, unknown);
        }
      }
    } catch (com.typesafe.config.ConfigException e) {
      throw convert(file, e);
    }
    return new Loaded(globals.build(), stanzas);
  }

  private static ConfigSyntax syntaxOf(Path file) {
    return file.toString().toLowerCase(Locale.ROOT).endsWith(".json") ? ConfigSyntax.JSON : ConfigSyntax.CONF;
  }

  private static List<StanzaConfig> stanzas(Path file, ConfigValue value) throws ConfigException {
    if (value.valueType() != ConfigValueType.LIST) {
      throw new ConfigException(origin(file, value), ACCESS_KEY, "must be a list of stanzas: access = [ { SOURCE = ANY, ... } ]");
    }
    List<StanzaConfig> out = new ArrayList<>();
    for (ConfigValue item : (ConfigList) value) {
      if (item.valueType() != ConfigValueType.OBJECT) {
        throw new ConfigException(origin(file, item), ACCESS_KEY, "each stanza must be an object { SOURCE = ..., ... }");
      }
      ConfigObject obj = (ConfigObject) item;
      Settings.Builder b = Settings.builder(origin(file, item));
      String name = null;
      // SOURCE first, then the rest in a stable order
      List<String> keys = new ArrayList<>(obj.keySet());
      keys.sort((a, c) -> a.equals("SOURCE") ? -1 : c.equals("SOURCE") ? 1 : a.compareTo(c));
      for (String key : keys) {
        String var = key.equalsIgnoreCase("name") ? "NAME" : key;
        if (!Variables.ACCESS.contains(var)) {
          throw new ConfigException(origin(file, obj.get(key)), key, "unknown access variable");
        }
        ConfigValue v = obj.get(key);
        if (v.valueType() == ConfigValueType.NULL) {
          continue;
        }
        if (v.valueType() == ConfigValueType.OBJECT) {
          throw new ConfigException(origin(file, v), key, "must be a value, not an object");
        }
        String text = scalar(file, var, v, obj.toConfig(), key);
        if (var.equals("NAME")) {
          name = text;
        }
        if (Variables.RAW_KEYS.contains(var)) {
          text = Variables.keyText(text);
        }
        b.put(var, text, origin(file, v));
      }
      if (!b.has("SOURCE")) {
        throw new ConfigException(origin(file, item), "SOURCE", "missing: every access stanza needs a SOURCE");
      }
      out.add(new StanzaConfig(name != null ? name : "#" + (out.size() + 1), b.build()));
    }
    return out;
  }

  private static void flatten(Path file, String path, ConfigValue v, Settings.Builder into, Consumer<String> unknown)
      throws ConfigException {
    switch (v.valueType()) {
      case NULL -> { }
      case OBJECT -> {
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
          flatten(file, path + "." + e.getKey(), e.getValue(), into, unknown);
        }
      }
      default -> {
        if (!path.contains(".") && !Variables.SERVER_DEFAULTS.containsKey(path)) { // sections are plugins' own
          unknown.accept(origin(file, v) + ": " + path + ": unknown variable, passed to plugins only");
        }
        into.put(path, scalar(file, path, v, null, null), origin(file, v));
      }
    }
  }

  private static String scalar(Path file, String var, ConfigValue v, Config holder, String key) throws ConfigException {
    Object raw = v.unwrapped();
    if (Variables.DURATIONS.contains(var)) {
      return duration(file, var, v, holder, key);
    }
    return switch (v.valueType()) {
      case BOOLEAN -> Boolean.TRUE.equals(raw) ? "Y" : "N";
      case NUMBER -> number((Number) raw);
      case STRING -> (String) raw;
      case LIST -> {
        StringBuilder sb = new StringBuilder();
        for (ConfigValue item : (ConfigList) v) {
          if (item.valueType() == ConfigValueType.LIST || item.valueType() == ConfigValueType.OBJECT) {
            throw new ConfigException(origin(file, item), var, "list items must be plain values");
          }
          if (sb.length() > 0) {
            sb.append(", ");
          }
          sb.append(scalar(file, var, item, null, null));
        }
        yield sb.toString();
      }
      default -> throw new ConfigException(origin(file, v), var, "unsupported value type " + v.valueType());
    };
  }

  private static String duration(Path file, String var, ConfigValue v, Config holder, String key) throws ConfigException {
    if (v.valueType() == ConfigValueType.NUMBER) {
      return number((Number) v.unwrapped());
    }
    if (v.valueType() != ConfigValueType.STRING) {
      throw new ConfigException(origin(file, v), var, "must be a duration such as 30s, or seconds");
    }
    String s = ((String) v.unwrapped()).strip();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      return s;
    }
    try {
      Config c = holder != null && key != null ? holder : ConfigFactory.empty().withValue("d", v);
      long seconds = c.getDuration(holder != null && key != null ? com.typesafe.config.ConfigUtil.quoteString(key) : "d",
          TimeUnit.SECONDS);
      return Long.toString(seconds);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(origin(file, v), var, "'" + s + "' is not a duration such as 30s or 2m");
    }
  }

  private static String number(Number n) {
    double d = n.doubleValue();
    if (n instanceof Integer || n instanceof Long || d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(n.longValue());
    }
    return n.toString();
  }

  private static String origin(Path file, ConfigValue v) {
    return origin(file, v.origin());
  }

  private static String origin(Path file, ConfigOrigin o) {
    if (o == null) {
      return file.toString();
    }
    String name = o.filename() != null ? o.filename() : file.toString();
    return o.lineNumber() > 0 ? name + ":" + o.lineNumber() : name;
  }

  private static ConfigException convert(Path file, com.typesafe.config.ConfigException e) {
    String where = origin(file, e.origin());
    String msg = e.getMessage();
    if (e.origin() != null) {
      String prefix = e.origin().description() + ": ";
      if (msg.startsWith(prefix)) {
        msg = msg.substring(prefix.length());
      }
    }
    return new ConfigException(where, null, msg);
  }

  /**
   * Typesafe Config skips a plain {@code include "f"} whose file is missing (and would then look on the class
   * path); a missing file is refused here instead, as fwknopd refuses a missing {@code %include}, so a key file
   * that is gone stops start-up. {@code dir} is the main file's directory, for the message.
   */
  private record RequiredIncludes(Path dir, com.typesafe.config.ConfigIncluder fallback)
      implements com.typesafe.config.ConfigIncluder {
    @Override
    public com.typesafe.config.ConfigIncluder withFallback(com.typesafe.config.ConfigIncluder f) {
      return fallback == f ? this : new RequiredIncludes(dir, f);
    }

    @Override
    public ConfigObject include(com.typesafe.config.ConfigIncludeContext context, String what) {
      com.typesafe.config.ConfigParseable relative = context.relativeTo(what);
      if (relative == null || relative.origin() == null || relative.origin().filename() == null) {
        Path named = Path.of(what).isAbsolute() || dir == null ? Path.of(what) : dir.resolve(what);
        throw new com.typesafe.config.ConfigException.Generic("include \"" + what + "\": no such file " + named);
      }
      return fallback.include(context.setParseOptions(context.parseOptions().setAllowMissing(false)), what);
    }
  }
}
