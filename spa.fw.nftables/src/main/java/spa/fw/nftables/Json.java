package spa.fw.nftables;

import java.util.Arrays;

/**
 * A small pull reader for {@code nft -j} output: the caller walks the document value by value (objects key by key,
 * arrays item by item) and keeps only what it needs, so a listing of 100,000 elements is read without building a
 * tree of it. Numbers are read as {@link Long} (or {@link Double} when they have a fraction or exponent). Any
 * malformed input throws {@link IllegalArgumentException} with the offset.
 */
final class Json {
  /** Keys nft repeats for every element, handed out as these constants rather than new strings. */
  private static final String[] KEYS = {"elem", "val", "concat", "timeout", "expires", "comment", "name", "set", "map"};
  /** Deeper than anything nft prints; bounds the reader's stack on hostile input. */
  private static final int MAX_DEPTH = 64;

  /** What the next value is. */
  enum Kind { OBJECT, ARRAY, STRING, NUMBER, TRUE, FALSE, NULL }

  private final String text;
  private int pos;
  /** Per open object or array: whether its first member is still to come. */
  private boolean[] first = new boolean[8];
  private int depth;

  Json(String text) {
    this.text = text;
  }

  /** The kind of the next value, after white space. */
  Kind peek() {
    space();
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return switch (text.charAt(pos)) {
      case '{' -> Kind.OBJECT;
      case '[' -> Kind.ARRAY;
      case '"' -> Kind.STRING;
      case 't' -> Kind.TRUE;
      case 'f' -> Kind.FALSE;
      case 'n' -> Kind.NULL;
      default -> Kind.NUMBER;
    };
  }

  /** Enters the object that comes next; then {@link #nextKey()} until it gives null. */
  void beginObject() {
    open('{');
  }

  /** The next key of the current object, its value to be read next, or null when the object has ended. */
  String nextKey() {
    if (!more('}')) {
      return null;
    }
    if (peek() != Kind.STRING) {
      throw error("expected a key");
    }
    String key = knownKey();
    if (key == null) {
      key = string();
    }
    space();
    expect(':');
    return key;
  }

  /** Enters the array that comes next; then {@link #hasNext()} before each item. */
  void beginArray() {
    open('[');
  }

  /** Whether the current array has another item, to be read next; false when it has ended. */
  boolean hasNext() {
    return more(']');
  }

  /** The string that comes next. */
  String string() {
    if (peek() != Kind.STRING) {
      throw error("expected a string");
    }
    pos++;
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != '"' && text.charAt(pos) != '\\') {
      pos++;
    }
    if (pos < text.length() && text.charAt(pos) == '"') {
      return text.substring(start, pos++); // the common case: no escapes
    }
    StringBuilder sb = new StringBuilder(text.substring(start, pos));
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> sb.append(unicode());
        default -> sb.append(e);
      }
    }
    throw error("unterminated string");
  }

  /** A string, number, boolean or null that comes next; an object or array is refused. */
  Object scalar() {
    return switch (peek()) {
      case STRING -> string();
      case NUMBER -> number();
      case TRUE -> literal("true", Boolean.TRUE);
      case FALSE -> literal("false", Boolean.FALSE);
      case NULL -> literal("null", null);
      default -> throw error("expected a string, number, true, false or null");
    };
  }

  /** Skips the value that comes next, whatever it is. */
  void skip() {
    switch (peek()) {
      case OBJECT -> {
        beginObject();
        while (nextKey() != null) {
          skip();
        }
      }
      case ARRAY -> {
        beginArray();
        while (hasNext()) {
          skip();
        }
      }
      default -> scalar();
    }
  }

  /** Where the reader is, for {@link #reset(int)}: the next value can be read again from there. */
  int position() {
    space();
    return pos;
  }

  /**
   * Goes to a {@link #position()} taken earlier, to read the one value there (again); then back to where the
   * reader was, with another reset.
   */
  void reset(int position) {
    pos = position;
  }

  /** Checks that nothing but white space follows. */
  void end() {
    space();
    if (pos != text.length()) {
      throw error("trailing characters");
    }
  }

  private void open(char c) {
    space();
    expect(c);
    if (depth == MAX_DEPTH) {
      throw error("nested too deep");
    }
    if (depth == first.length) {
      first = Arrays.copyOf(first, depth * 2);
    }
    first[depth++] = true;
  }

  /** Before each member of the open object or array: its comma, or its end (and then false). */
  private boolean more(char close) {
    if (depth == 0) {
      throw error("not in an object or array");
    }
    space();
    if (peek(close)) {
      pos++;
      depth--;
      return false;
    }
    if (first[depth - 1]) {
      first[depth - 1] = false;
    } else {
      expect(',');
    }
    peek(); // a member follows: not the end, not another comma
    if (peek(close) || peek(',')) {
      throw error("expected a value");
    }
    return true;
  }

  /** One of {@link #KEYS} when the quoted text at the reader is one (then read), else null. */
  private String knownKey() {
    for (String k : KEYS) {
      int end = pos + 1 + k.length();
      if (end < text.length() && text.charAt(end) == '"' && text.startsWith(k, pos + 1)) {
        pos = end + 1;
        return k;
      }
    }
    return null;
  }

  private Object number() {
    int start = pos;
    long v = 0;
    while (pos < text.length() && pos - start < 18 && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      v = v * 10 + text.charAt(pos++) - '0'; // the common case: a small non-negative integer
    }
    if (pos > start && (pos >= text.length() || "+-0123456789.eE".indexOf(text.charAt(pos)) < 0)) {
      return v;
    }
    pos = start;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String n = text.substring(start, pos);
    if (n.isEmpty()) {
      throw error("unexpected character '" + text.charAt(pos) + "'");
    }
    try {
      return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.valueOf(n) : (Object) Long.valueOf(n);
    } catch (NumberFormatException e) {
      throw error("bad number " + n);
    }
  }

  private char unicode() {
    if (pos + 4 > text.length()) {
      throw error("short \\u escape");
    }
    try {
      char c = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
      pos += 4;
      return c;
    } catch (NumberFormatException e) {
      throw error("bad \\u escape");
    }
  }

  private Object literal(String word, Object v) {
    if (!text.startsWith(word, pos)) {
      throw error("expected " + word);
    }
    pos += word.length();
    return v;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void space() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("bad JSON at offset " + pos + ": " + what);
  }
}
