package spa.distribution.e2e;

/** {@link SpadEndToEnd} with {@code --firewall nftables} (spa's own table, kernel timeouts). */
class SpadNftablesIT extends SpadEndToEnd {
  SpadNftablesIT() {
    super(Backend.NFTABLES);
  }
}
