package spa.server.plugin;

/**
 * One provider found, as {@code spad --list-plugins} shows it.
 *
 * @param name the provider's short name ({@code udp}, {@code aes}, ...)
 * @param type the service it provides ({@code CaptureSource}, {@code Decryptor}, ...)
 * @param module the module that provides it
 * @param layer {@code boot}, or the plugin directory it came from
 */
public record PluginInfo(String name, String type, String module, String layer) {}
