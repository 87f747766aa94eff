/** Reads fwknopd.conf, access.conf (with its include directives) and HOCON into one configuration model. */
package spa.server.config;
