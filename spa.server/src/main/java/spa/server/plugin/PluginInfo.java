package spa.server.plugin;

/**
 * One provider found, as {@code spad --list-plugins} shows it.
 *
 * @param name the provider's short name ({@code udp}, {@code aes}, ...)
 * @param type the service it provides ({@code CaptureSource}, {@code Decryptor}, ...)
 * @param module the module that provides it
 * @param version the module's version, {@code -} when its jar states none
 * @param layer {@code boot}, or the name of the plugin (jar or directory name) it came from
 * @param path the jar holding the module
 */
public record PluginInfo(String name, String type, String module, String version, String layer, String path) {}
