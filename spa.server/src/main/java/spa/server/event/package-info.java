/** One structured event per decision, written as JSON lines or text through per-thread buffers. */
package spa.server.event;
