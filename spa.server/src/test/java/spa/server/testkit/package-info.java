/** Test helpers: real packets from the aes plugin, configurations from text, spad run in-process, hand-driven time. */
package spa.server.testkit;
