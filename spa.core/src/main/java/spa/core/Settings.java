package spa.core;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only view of one block of configuration (an access stanza, the daemon's globals, a client rc
 * stanza) keyed by fwknop's variable names ({@code KEY_BASE64}, {@code HMAC_DIGEST_TYPE}, ...), whatever
 * file format it came from. Plugins read their settings through this view and never see the parser.
 */
public final class Settings {
  private final Map<String, String> values;
  private final Map<String, String> origins;
  private final String origin;

  private Settings(Map<String, String> values, Map<String, String> origins, String origin) {
    this.values = values;
    this.origins = origins;
    this.origin = origin;
  }

  /** Settings whose every key comes from {@code origin} (a file name, or "command line"). */
  public static Settings of(Map<String, String> values, String origin) {
    return new Settings(Collections.unmodifiableMap(new LinkedHashMap<>(values)), Map.of(), origin);
  }

  public static Settings empty() {
    return of(Map.of(), "defaults");
  }

  /** Accumulates values with the file and line each came from. */
  public static Builder builder(String origin) {
    return new Builder(origin);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** True when the value starts with Y or y, fwknop's boolean rule; {@code dflt} when unset. */
  public boolean flag(String key, boolean dflt) {
    String v = values.get(key);
    return v == null ? dflt : !v.isEmpty() && (v.charAt(0) == 'Y' || v.charAt(0) == 'y');
  }

  /** Where a key was set, such as {@code /etc/fwknop/access.conf:12}; the block's origin for unset keys. */
  public String origin(String key) {
    return origins.getOrDefault(key, origin);
  }

  /** Where this block as a whole came from. */
  public String origin() {
    return origin;
  }

  public Set<String> keys() {
    return values.keySet();
  }

  /** A copy with {@code overrides} on top (command line over file, named stanza over default). */
  public Settings with(Settings overrides) {
    Builder b = new Builder(overrides.origin);
    for (String k : keys()) {
      b.put(k, values.get(k), origin(k));
    }
    for (String k : overrides.keys()) {
      b.put(k, overrides.values.get(k), overrides.origin(k));
    }
    return b.build();
  }

  /** The value of {@code key} as a file system path; refused with its place when no path can have that name. */
  public Optional<Path> path(String key) throws ConfigException {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(v.get()));
    } catch (InvalidPathException e) {
      throw invalid(key, "not a usable path: " + e.getReason());
    }
  }

  /** A {@link ConfigException} about {@code key}, located where the key was set. */
  public ConfigException invalid(String key, String message) {
    return new ConfigException(origin(key), key, message);
  }

  @Override
  public String toString() {
    return origin + values.keySet();
  }

  /** Builder that keeps the origin of every key. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final String origin;

    private Builder(String origin) {
      this.origin = origin;
    }

    public Builder put(String key, String value, String where) {
      values.put(key, value);
      origins.put(key, where);
      return this;
    }

    public Builder put(String key, String value) {
      return put(key, value, origin);
    }

    public boolean has(String key) {
      return values.containsKey(key);
    }

    public Settings build() {
      return new Settings(Collections.unmodifiableMap(new LinkedHashMap<>(values)),
          Collections.unmodifiableMap(new LinkedHashMap<>(origins)), origin);
    }
  }
}
