package example.fw.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgvTemplateTest {
  private static final Set<String> KNOWN = Set.of("SOURCE", "PORT");

  @Test
  void blanksSplitWordsAndQuotesKeepThemTogether() {
    ArgvTemplate t = ArgvTemplate.parse("  tool  -c 'a b'  \"it's\" x'\"y\"'z ''", KNOWN);
    assertEquals(List.of("tool", "-c", "a b", "it's", "x\"y\"z", ""), t.words());
  }

  @Test
  void placeholdersAreReplacedInsideTheirWordAndAValueNeverSplits() {
    ArgvTemplate t = ArgvTemplate.parse("tool set${PORT} ${SOURCE} '${SOURCE} x'", KNOWN);
    assertEquals(List.of("tool", "set22", "a b;$(rm)", "a b;$(rm) x"),
        t.expand(Map.of("SOURCE", "a b;$(rm)", "PORT", "22")));
    assertEquals(List.of("tool", "$HOME", "$", "{x}"), ArgvTemplate.parse("tool $HOME $ {x}", KNOWN)
        .expand(Map.of()));
  }

  @Test
  void wrongTemplatesAreRefusedInOneLine() {
    assertEquals("an empty command", assertThrows(IllegalArgumentException.class,
        () -> ArgvTemplate.parse("   ", KNOWN)).getMessage());
    assertEquals("a ' quote is not closed", assertThrows(IllegalArgumentException.class,
        () -> ArgvTemplate.parse("tool 'x", KNOWN)).getMessage());
    assertEquals("${PROTO} means nothing here; known: ${PORT} ${SOURCE}", assertThrows(
        IllegalArgumentException.class, () -> ArgvTemplate.parse("tool ${PROTO}", KNOWN)).getMessage());
    assertEquals("an unclosed ${ in 'x${PORT'", assertThrows(IllegalArgumentException.class,
        () -> ArgvTemplate.parse("tool x${PORT", KNOWN)).getMessage());
    assertEquals("the program must be fixed, not a placeholder: ${SOURCE}", assertThrows(
        IllegalArgumentException.class, () -> ArgvTemplate.parse("${SOURCE} x", KNOWN)).getMessage());
  }
}
