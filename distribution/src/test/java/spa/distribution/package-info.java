/** Integration tests that run the assembled image in {@code target/spa} against Debian's fwknop 2.6. */
package spa.distribution;
