package spa.server.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.Decryptor;

/**
 * One access stanza, compiled: everything the packet path needs without re-reading settings.
 *
 * @param index position in file order, from 0
 * @param name name for logs and events
 * @param settings the stanza's variables as configured
 * @param source SOURCE
 * @param destination DESTINATION (ANY when unset)
 * @param openPorts OPEN_PORTS, or null when any port may be requested
 * @param restrictPorts RESTRICT_PORTS (empty when unset)
 * @param accessTimeout FW_ACCESS_TIMEOUT seconds
 * @param maxTimeout MAX_FW_TIMEOUT seconds (cap on client-requested timeouts)
 * @param cmdExec ENABLE_CMD_EXEC
 * @param cmdExecUser CMD_EXEC_USER, or null
 * @param requireUser REQUIRE_USERNAME, or null
 * @param requireSource REQUIRE_SOURCE_ADDRESS
 * @param expiresEpoch ACCESS_EXPIRE / ACCESS_EXPIRE_EPOCH in unix seconds, or {@link Long#MAX_VALUE}
 * @param forceNat FORCE_NAT, or null
 * @param forceSnat FORCE_SNAT address, or null
 * @param forceMasquerade FORCE_MASQUERADE
 * @param disableDnat DISABLE_DNAT
 * @param forwardAll FORWARD_ALL
 * @param cycle CMD_CYCLE_OPEN/CLOSE/TIMER, or null
 * @param commandTimeout CMD_EXEC_TIMEOUT seconds (the stanza's, else the daemon's): the time limit of each
 *     command, cycle open and cycle close, after which it is killed with every process it started
 * @param decryptors the keyed decryptors this stanza's keys configure, tried in order
 * @param cipherNames their names, for logs
 */
public record Stanza(int index, String name, Settings settings, IpList source, IpList destination,
    Set<ProtoPort> openPorts, Set<ProtoPort> restrictPorts, int accessTimeout, int maxTimeout, boolean cmdExec,
    String cmdExecUser, String requireUser, boolean requireSource, long expiresEpoch, ForceNat forceNat,
    InetAddress forceSnat, boolean forceMasquerade, boolean disableDnat, boolean forwardAll, CommandCycle cycle,
    int commandTimeout, List<Decryptor.Keyed> decryptors, List<String> cipherNames) {

  /** FORCE_NAT {@code <IP> <PORT>}. */
  public record ForceNat(InetAddress address, int port) {}

  /**
   * A command cycle: {@code open} runs at grant time, {@code close} (null for NONE) after the timer.
   *
   * @param timerSeconds CMD_CYCLE_TIMER, used when the client gave no timeout
   */
  public record CommandCycle(String open, String close, int timerSeconds) {}

  public boolean expired(long nowEpoch) {
    return nowEpoch >= expiresEpoch;
  }
}
