package spa.distribution;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one field of a flat JSON object line such as spad's {@code --log-format json} events. */
final class JsonFields {
  private JsonFields() {}

  /**
   * The value of {@code key} in {@code json}: a string's text without quotes (escapes kept), or the literal
   * text of a number, {@code null}, array or object; null when the key is absent.
   */
  static String get(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key)
        + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|\\[[^\\]]*\\]|\\{[^}]*\\}|[^,}\\]]+)").matcher(json);
    if (!m.find()) {
      return null;
    }
    return m.group(2) != null ? m.group(2) : m.group(1).strip();
  }
}
