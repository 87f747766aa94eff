package spa.fw.nftables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the example rulesets out of {@code docs/nftables.md}, so the tests load what the documentation shows. */
final class Docs {
  private Docs() {
  }

  /** The fenced block whose info string is {@code nft <name>}. */
  static String ruleset(String name) {
    String doc;
    try {
      doc = Files.readString(Path.of("docs", "nftables.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String fence = "```nft " + name + "\n";
    int start = doc.indexOf(fence);
    if (start < 0) {
      throw new IllegalStateException("no block " + name + " in docs/nftables.md");
    }
    start += fence.length();
    return doc.substring(start, doc.indexOf("```", start));
  }

  /** nft's listing with each leading tab as two spaces, as the documentation writes it. */
  static String asDocumented(String listing) {
    StringBuilder sb = new StringBuilder();
    for (String line : listing.split("\n", -1)) {
      int tabs = 0;
      while (tabs < line.length() && line.charAt(tabs) == '\t') {
        tabs++;
      }
      sb.append("  ".repeat(tabs)).append(line.substring(tabs)).append('\n');
    }
    return sb.toString().stripTrailing() + "\n";
  }
}
