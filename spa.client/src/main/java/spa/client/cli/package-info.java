/** The {@code spa} command: fwknop's client options, rc-file layering, key prompts, test dumps and sending. */
package spa.client.cli;
