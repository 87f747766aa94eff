/** The client library: build an SPA message from a request, encrypt it, and send it over udp, tcp or http. */
package spa.client;
