package spa.client.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@link SpaOptions}' options as picocli parses them: each group a mixin, not an argument group. Picocli starts an
 * argument group over when one of its options is given again, dropping the group's other options given before it
 * ({@code -A tcp/22 -a 198.18.0.1 -A udp/53} lost the {@code -a}); as mixins every option keeps its own last value,
 * as fwknop's do. The argument groups stay in {@link SpaOptions} for the help's headings.
 */
@Command(name = "spa")
final class ParsedOptions {
  @Mixin SpaOptions.Request request;
  @Mixin SpaOptions.Server server;
  @Mixin SpaOptions.Keys keys;
  @Mixin SpaOptions.KeyGeneration keyGeneration;
  @Mixin SpaOptions.Config config;
  @Mixin SpaOptions.Output output;

  /** The parsed values, in the shape the command reads. */
  SpaOptions options() {
    SpaOptions o = new SpaOptions();
    o.request = request;
    o.server = server;
    o.keys = keys;
    o.keyGeneration = keyGeneration;
    o.config = config;
    o.output = output;
    return o;
  }
}
