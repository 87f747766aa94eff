/** What a test needs from the machine: in CI ({@code CI} set) a missing need fails the test, elsewhere it skips it. */
package spa.test.support;
