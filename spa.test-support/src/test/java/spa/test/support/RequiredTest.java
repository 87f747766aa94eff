package spa.test.support;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequiredTest {

  @Test
  void aMissingNeedFailsInCi() {
    assertThrows(AssertionFailedError.class, () -> Required.that(false, "a program", true));
  }

  @Test
  void aMissingNeedSkipsElsewhere() {
    assertThrows(TestAbortedException.class, () -> Required.that(false, "a program", false));
  }

  @Test
  void aMetNeedDoesNothing() {
    Required.that(true, "a program", true);
    Required.that(true, "a program", false);
  }
}
