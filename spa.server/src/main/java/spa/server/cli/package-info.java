/** The {@code spad} command: fwknopd's options, daemon life cycle, pid file and control socket. */
package spa.server.cli;
