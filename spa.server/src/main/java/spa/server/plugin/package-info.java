/** Finds plugins: providers in the boot layer and in one child module layer per plugins/NAME directory. */
package spa.server.plugin;
