/**
 * Grant lifecycle: the journal of active openings, their expiry where the firewall does not enforce it,
 * re-knock extension, and start-up reconciliation of the journal with what the firewall holds.
 */
package spa.server.grant;
