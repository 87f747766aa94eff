package spa.fw.nftables;

import java.util.ArrayList;
import java.util.List;

/**
 * Set and map element changes that nftables applies as one transaction, in order: written as an nft script
 * ({@link #script}) or as netlink messages ({@link NftNetlink.Writer}), which the kernel treats alike.
 */
final class ElementBatch {
  /** {@code create} fails on an element that is there, {@code add} does not (unless a map's data differ). */
  enum Verb {
    CREATE("create"), ADD("add"), DELETE("delete");

    final String word;

    Verb(String word) {
      this.word = word;
    }
  }

  /** One change: a delete needs only the element's key; the others carry a timeout and a comment. */
  record Op(Verb verb, Element element, long seconds, String comment) {}

  private final List<Op> ops = new ArrayList<>();

  void create(Element e, long seconds, String comment) {
    ops.add(new Op(Verb.CREATE, e, seconds, comment));
  }

  void add(Element e, long seconds, String comment) {
    ops.add(new Op(Verb.ADD, e, seconds, comment));
  }

  void delete(Element e) {
    ops.add(new Op(Verb.DELETE, e, 0, null));
  }

  List<Op> ops() {
    return ops;
  }

  boolean isEmpty() {
    return ops.isEmpty();
  }

  /** The changes as an nft script for table {@code tableRef} ({@code inet spa}), sets named with {@code prefix}. */
  String script(String tableRef, String prefix) {
    StringBuilder b = new StringBuilder(ops.size() * 96);
    for (Op op : ops) {
      line(b, op, tableRef, prefix);
    }
    return b.toString();
  }

  /**
   * {@code VERB element TABLE SET { ELEMENT }} and a newline; a method of its own, which keeps {@link #script}
   * small enough for the JIT to inline whole (once the backend's, inlined with its caller it took C2 130 MB of
   * memory and failed, at 10,000 knocks/s).
   */
  private static void line(StringBuilder b, Op op, String tableRef, String prefix) {
    Element e = op.element();
    b.append(op.verb().word).append(" element ").append(tableRef).append(' ').append(e.setName(prefix))
        .append(" { ").append(op.verb() == Verb.DELETE ? e.keyText() : e.withTimeout(op.seconds(), op.comment()))
        .append(" }\n");
  }
}
