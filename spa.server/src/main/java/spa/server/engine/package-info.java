/** The packet path: prefilter, bounded queue, parallel decision workers (asking the replay cache) and the act step. */
package spa.server.engine;
