package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesWhatNftPrints() {
    Object v = Json.parse(" {\"a\": [1, -2, 3.5, true, false, null, \"x\\\"y\\u0041\\n\"], \"b\": {}} ");
    assertEquals(Map.of("a", Arrays.asList(1L, -2L, 3.5, true, false, null, "x\"yA\n"), "b", Map.of()), v);
    assertEquals(List.of(), Json.parse("[]"));
  }

  @Test
  void rejectsMalformedInputWithAnOffset() {
    for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "[1] x", "{1:2}")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
      assertEquals(true, e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
    }
  }
}
