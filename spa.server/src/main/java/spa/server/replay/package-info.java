/**
 * Replay protection: the set of packets already seen (in memory, and on disk in fwknop's {@code digest.cache}
 * line format or spa's table image), how long records are kept, and the upkeep that prunes and compacts them.
 */
package spa.server.replay;
