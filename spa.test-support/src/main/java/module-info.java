/**
 * For spa's own tests only: the machine's tools and privileges a test needs (required in CI, skipped elsewhere),
 * and Debian's fwknopd as the reference for side-by-side configuration checks.
 */
module spa.test.support {
  requires transitive org.junit.jupiter.api;

  exports spa.test.support;
}
