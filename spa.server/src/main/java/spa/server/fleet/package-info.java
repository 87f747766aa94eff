/**
 * Openings shared by a fleet of gateways ({@code FLEET_GRANTS Y}): each grant this gateway makes is published on
 * the fleet's {@link spa.core.fleet.GrantBus} as an entry authenticated with {@code FLEET_KEY}
 * ({@link FleetEntry}); each entry another gateway published is checked against this gateway's own stanzas and
 * applied until the same absolute expiry ({@link FleetGrants}).
 */
package spa.server.fleet;
