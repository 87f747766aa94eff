package spa.distribution;

import java.util.List;
import spa.core.MessageType;

/** The kinds of SPA request in the interoperability matrix, as client options and as the fields they must produce. */
enum Request {
  ACCESS(List.of("-A", "tcp/22"), MessageType.ACCESS, "tcp/22", null, 0),
  MULTI_PORT_TIMEOUT(List.of("-A", "tcp/22,udp/53", "-f", "60"), MessageType.CLIENT_TIMEOUT_ACCESS,
      "tcp/22,udp/53", null, 60),
  NAT(List.of("-A", "tcp/22", "-N", Request.NAT_TARGET_HOST + ":22"), MessageType.NAT_ACCESS, "tcp/22",
      Request.NAT_TARGET_HOST + ",22", 0),
  LOCAL_NAT(List.of("-A", "tcp/22", "--nat-local"), MessageType.LOCAL_NAT_ACCESS, "tcp/22",
      Request.SERVER + ",22", 0),
  COMMAND(List.of("-C", "touch /tmp/x"), MessageType.COMMAND, "touch /tmp/x", null, 0);

  /** The internal host of the NAT request (inside the packet only). */
  static final String NAT_TARGET_HOST = "198.18.1.2";
  /** Where packets go: fwknopd on loopback. */
  static final String SERVER = "127.0.0.1";
  static final String USER = "spauser";

  private final List<String> args;
  private final MessageType type;
  private final String afterAllowIp;
  private final String natAccess;
  private final int clientTimeout;

  Request(List<String> args, MessageType type, String afterAllowIp, String natAccess, int clientTimeout) {
    this.args = args;
    this.type = type;
    this.afterAllowIp = afterAllowIp;
    this.natAccess = natAccess;
    this.clientTimeout = clientTimeout;
  }

  List<String> args() {
    return args;
  }

  MessageType type() {
    return type;
  }

  /** The message field after {@code allow_ip,}: {@code proto/port...} or the command. */
  String afterAllowIp() {
    return afterAllowIp;
  }

  /** The decoded nat_access field {@code host,port}, or null. */
  String natAccess() {
    return natAccess;
  }

  int clientTimeout() {
    return clientTimeout;
  }
}
