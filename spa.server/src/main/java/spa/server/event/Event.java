package spa.server.event;

import java.net.InetAddress;
import java.util.List;
import spa.core.Nat;
import spa.core.Packet;
import spa.core.ProtoPort;

/**
 * Something spad decided or did. Fields that do not apply are null (numbers: negative). Made with
 * {@link #builder}.
 *
 * @param timeMillis when, in unix milliseconds
 * @param type what kind of event
 * @param src packet source address
 * @param srcPort packet source port
 * @param dst packet destination address
 * @param dstPort packet destination port
 * @param protocol IP protocol number of the packet
 * @param user SPA username
 * @param allow the address being let in
 * @param access requested proto/ports
 * @param nat translation of the grant
 * @param timeout seconds the grant lasts
 * @param stanza access stanza name
 * @param reason stable reason code (deny, replay, error)
 * @param detail human-readable detail
 * @param command command text of a command message or cycle
 * @param signer fingerprint of the OpenPGP key that signed the packet (GnuPG stanzas), or null
 * @param count packets one aggregated event stands for (negative: one event, one packet)
 */
public record Event(long timeMillis, Type type, InetAddress src, int srcPort, InetAddress dst, int dstPort,
    int protocol, String user, String allow, List<ProtoPort> access, Nat nat, long timeout, String stanza,
    String reason, String detail, String command, String signer, long count) {

  /** The kinds of event, with the name written in logs. */
  public enum Type {
    ACCEPT("accept"), DENY("deny"), REPLAY("replay"), GRANT("grant"), EXPIRE("expire"), COMMAND("command"),
    ERROR("error");

    private final String code;

    Type(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** An event about no packet in particular (start-up, firewall failures). */
  public static Event plain(long timeMillis, Type type, String reason, String detail) {
    return builder(type, timeMillis).reason(reason).detail(detail).build();
  }

  public static Builder builder(Type type, long timeMillis) {
    return new Builder(type, timeMillis);
  }

  /** A builder holding {@code e}'s fields, to change some. */
  public static Builder builder(Event e) {
    Builder b = new Builder(e.type, e.timeMillis);
    b.src = e.src;
    b.srcPort = e.srcPort;
    b.dst = e.dst;
    b.dstPort = e.dstPort;
    b.protocol = e.protocol;
    return b.user(e.user).allow(e.allow).access(e.access).nat(e.nat).timeout(e.timeout).stanza(e.stanza)
        .reason(e.reason).detail(e.detail).command(e.command).signer(e.signer).count(e.count);
  }

  /** Collects the fields that apply; the others stay empty. */
  public static final class Builder {
    private final Type type;
    private final long timeMillis;
    private InetAddress src;
    private int srcPort = -1;
    private InetAddress dst;
    private int dstPort = -1;
    private int protocol = -1;
    private String user;
    private String allow;
    private List<ProtoPort> access;
    private Nat nat;
    private long timeout = -1;
    private String stanza;
    private String reason;
    private String detail;
    private String command;
    private String signer;
    private long count = -1;

    private Builder(Type type, long timeMillis) {
      this.type = type;
      this.timeMillis = timeMillis;
    }

    /** The packet's addresses, ports and protocol. */
    public Builder packet(Packet p) {
      src = p.src();
      srcPort = p.srcPort();
      dst = p.dst();
      dstPort = p.dstPort();
      protocol = p.protocol();
      return this;
    }

    /** A source address without a packet (aggregated refusals). */
    public Builder source(InetAddress a) {
      src = a;
      return this;
    }

    public Builder user(String v) {
      user = v;
      return this;
    }

    public Builder allow(String v) {
      allow = v;
      return this;
    }

    public Builder access(List<ProtoPort> v) {
      access = v;
      return this;
    }

    public Builder nat(Nat v) {
      nat = v;
      return this;
    }

    public Builder timeout(long seconds) {
      timeout = seconds;
      return this;
    }

    public Builder stanza(String v) {
      stanza = v;
      return this;
    }

    public Builder reason(String v) {
      reason = v;
      return this;
    }

    public Builder detail(String v) {
      detail = v;
      return this;
    }

    public Builder command(String v) {
      command = v;
      return this;
    }

    public Builder signer(String v) {
      signer = v;
      return this;
    }

    public Builder count(long packets) {
      count = packets;
      return this;
    }

    public Event build() {
      return new Event(timeMillis, type, src, srcPort, dst, dstPort, protocol, user, allow, access, nat, timeout,
          stanza, reason, detail, command, signer, count);
    }
  }
}
