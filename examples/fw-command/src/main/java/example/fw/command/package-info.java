/**
 * The {@code command} firewall backend: {@link example.fw.command.CommandBackend} runs the configured
 * {@link example.fw.command.ArgvTemplate}s, and {@link example.fw.command.Listing} reads back what the list
 * command printed.
 */
package example.fw.command;
