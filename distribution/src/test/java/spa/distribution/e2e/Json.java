package spa.distribution.e2e;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One of spad's {@code --log-format json} event lines: a flat JSON object read field by field. */
record Json(String line) {

  /**
   * The value of {@code key}: a string's text without quotes, or the literal text of a number, {@code null},
   * array or object; null when the key is absent.
   */
  String get(String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key)
        + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|\\[[^\\]]*\\]|\\{[^}]*\\}|[^,}\\]]+)").matcher(line);
    if (!m.find()) {
      return null;
    }
    return m.group(2) != null ? m.group(2) : m.group(1).strip();
  }

  String event() {
    return get("event");
  }

  Instant ts() {
    return Instant.parse(get("ts"));
  }

  /** This is an {@code event} about {@code address}: the packet's source or, for expiry, the address let in. */
  boolean is(String event, String address) {
    return event.equals(event()) && (address.equals(get("src")) || address.equals(get("allow")));
  }

  @Override
  public String toString() {
    return line;
  }
}
