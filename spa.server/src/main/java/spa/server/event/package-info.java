/**
 * One structured event per decision, written as JSON lines or text through per-thread buffers; and, when the
 * configuration asks for syslog, the same lines and the daemon's messages to syslog ({@code SyslogSink}).
 */
package spa.server.event;
