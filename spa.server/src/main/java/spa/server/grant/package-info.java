/**
 * Grant lifecycle: the journal of active openings, their expiry where the firewall does not enforce it,
 * re-knock extension, start-up reconciliation of the journal with what the firewall holds, and the watch
 * that sets the firewall up again when someone removes what spa set up.
 */
package spa.server.grant;
