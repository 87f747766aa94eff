package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void walksWhatNftPrints() {
    Json j = new Json(" {\"a\": [1, -2, 3.5, true, false, null, \"x\\\"y\\u0041\\n\"], \"b\": {}, \"c\": [[], {\"d\": 1}]} ");
    j.beginObject();
    assertEquals("a", j.nextKey());
    List<Object> items = new ArrayList<>();
    j.beginArray();
    while (j.hasNext()) {
      items.add(j.scalar());
    }
    assertEquals(Arrays.asList(1L, -2L, 3.5, true, false, null, "x\"yA\n"), items);
    assertEquals("b", j.nextKey());
    assertEquals(Json.Kind.OBJECT, j.peek());
    j.beginObject();
    assertNull(j.nextKey());
    assertEquals("c", j.nextKey());
    j.skip();
    assertNull(j.nextKey());
    j.end();
  }

  @Test
  void readsAValueAgainFromAPosition() {
    Json j = new Json("[{\"k\": \"v\"}, 2]");
    j.beginArray();
    assertTrue(j.hasNext());
    int at = j.position();
    j.skip();
    int after = j.position();
    j.reset(at);
    j.beginObject();
    assertEquals("k", j.nextKey());
    assertEquals("v", j.string());
    assertNull(j.nextKey());
    j.reset(after);
    assertTrue(j.hasNext());
    assertEquals(2L, j.scalar());
    assertFalse(j.hasNext());
    j.end();
  }

  @Test
  void rejectsMalformedInputWithAnOffset() {
    for (String bad : List.of("", "{", "[1,]", "[,1]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "tru", "\"open", "[1] x",
        "{1:2}", "\"\\u12\"", "\"\\uzzzz\"", "[".repeat(100) + "]".repeat(100))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        Json j = new Json(bad);
        j.skip();
        j.end();
      }, bad);
      assertTrue(e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
    }
  }
}
