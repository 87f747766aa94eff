/**
 * Finds plugins: providers in the boot layer and in one child module layer per plugin of the plugin directories
 * (a jar dropped in, or a directory with the plugin's private dependencies), checked before loading.
 */
package spa.server.plugin;
