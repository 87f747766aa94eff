package spa.distribution.e2e;

/** {@link SpadEndToEnd} with {@code --firewall iptables} (fwknop's chains, expiry scheduled by spad). */
class SpadIptablesIT extends SpadEndToEnd {
  SpadIptablesIT() {
    super(Backend.IPTABLES);
  }
}
