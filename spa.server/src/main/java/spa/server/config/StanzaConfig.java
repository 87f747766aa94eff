package spa.server.config;

import spa.core.Settings;

/**
 * One access stanza as configured: its name for logs and events ({@code NAME}, else {@code #n} in file order)
 * and its variables with the file and line each came from.
 */
public record StanzaConfig(String name, Settings settings) {}
