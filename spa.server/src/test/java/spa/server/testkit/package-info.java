/** Test helpers: real packets from the aes plugin, configurations from text, spad run in-process. */
package spa.server.testkit;
