/**
 * {@code spa-assemble}: makes a smaller image from an installed one, holding only the chosen plugins and, with
 * {@code --jlink}, a Java runtime trimmed to the JDK modules they need.
 */
package spa.distribution.assemble;
