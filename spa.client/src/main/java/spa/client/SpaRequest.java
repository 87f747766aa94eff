package spa.client;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.ProtoPort;

/**
 * What the client asks the server for: either access to ports or one command, optionally with NAT and a
 * client timeout. The message type follows from it as fwknop chooses it: a command is type 0, local NAT
 * 5 (6 with a timeout), NAT 2 (4), plain access 1 (3).
 *
 * @param user the username placed in the message
 * @param allowIp the IPv4 address to open for ({@code 0.0.0.0}: the packet's source address)
 * @param access requested {@code proto/port} list, empty for a command
 * @param command the command for the server to run, or null for an access request
 * @param natAccess {@code host,port} for a NAT request, else null
 * @param localNat whether the NAT target is the server itself (types 5/6)
 * @param clientTimeout requested access time in seconds, 0 for the server's default
 * @param digestType digest protecting the message
 * @param timeOffset seconds added to the current time for the timestamp (negative to go back)
 */
public record SpaRequest(
    String user,
    String allowIp,
    List<ProtoPort> access,
    String command,
    String natAccess,
    boolean localNat,
    int clientTimeout,
    DigestType digestType,
    long timeOffset) {

  public SpaRequest {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(allowIp, "allowIp");
    Objects.requireNonNull(digestType, "digestType");
    access = access == null ? List.of() : List.copyOf(access);
    if ((command == null) == access.isEmpty()) {
      throw new IllegalArgumentException("a request has either an access list or a command");
    }
    if (localNat && natAccess == null) {
      throw new IllegalArgumentException("local NAT needs a nat_access value");
    }
  }

  /** An access request for {@code access} with the default digest and no NAT or timeout. */
  public static SpaRequest access(String user, String allowIp, List<ProtoPort> access) {
    return new SpaRequest(user, allowIp, access, null, null, false, 0, DigestType.SHA256, 0);
  }

  /** A command request with the default digest. */
  public static SpaRequest command(String user, String allowIp, String command) {
    return new SpaRequest(user, allowIp, List.of(), command, null, false, 0, DigestType.SHA256, 0);
  }

  /** This request with NAT to {@code host,port}; local NAT when {@code local}. */
  public SpaRequest withNat(String natAccess, boolean local) {
    return new SpaRequest(user, allowIp, access, command, natAccess, local, clientTimeout, digestType, timeOffset);
  }

  public SpaRequest withClientTimeout(int seconds) {
    return new SpaRequest(user, allowIp, access, command, natAccess, localNat, seconds, digestType, timeOffset);
  }

  public SpaRequest withDigestType(DigestType type) {
    return new SpaRequest(user, allowIp, access, command, natAccess, localNat, clientTimeout, type, timeOffset);
  }

  public SpaRequest withTimeOffset(long seconds) {
    return new SpaRequest(user, allowIp, access, command, natAccess, localNat, clientTimeout, digestType, seconds);
  }

  /** The message type fwknop's client would pick for this request. */
  public MessageType messageType() {
    MessageType base;
    if (command != null) {
      base = MessageType.COMMAND;
    } else if (localNat) {
      base = MessageType.LOCAL_NAT_ACCESS;
    } else if (natAccess != null) {
      base = MessageType.NAT_ACCESS;
    } else {
      base = MessageType.ACCESS;
    }
    return base.withClientTimeout(clientTimeout > 0);
  }

  /** The message field: {@code allowIp,proto/port[,...]} or {@code allowIp,command}. */
  public String message() {
    String body = command != null
        ? command
        : access.stream().map(ProtoPort::toString).collect(Collectors.joining(","));
    return allowIp + "," + body;
  }
}
