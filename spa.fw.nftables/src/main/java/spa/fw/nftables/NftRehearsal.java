package spa.fw.nftables;

/**
 * The channel of {@link NftablesBackend#rehearsal}: makes what each operation would send (the netlink batch where
 * the backend writes elements over netlink, else the script libnftables or nft would run) and sends nothing: every
 * change succeeds and every listing is empty.
 */
final class NftRehearsal implements NftChannel {
  private static final Reply OK = new Reply(true, "", "", "ok");
  private final boolean netlink;
  /** Bytes made so far: what was made is used, so making it is not optimised away. */
  private long made;

  /** @param netlink element changes are made as netlink batches, as the rehearsed backend sends them */
  NftRehearsal(boolean netlink) {
    this.netlink = netlink;
  }

  @Override
  public Reply script(String script) {
    made += script.length();
    return OK;
  }

  @Override
  public Reply elements(NftConfig c, ElementBatch batch) {
    if (netlink && batch.ops().size() <= NftNetlink.MAX_WRITE_OPS) {
      try {
        made += NftNetlink.batchRequest(NftNetlink.familyCode(c.family()), c.table(), c.prefix(), batch, 1).length;
        return OK;
      } catch (IllegalArgumentException notOverNetlink) {
        // the backend's library channel sends such a batch as a script: so does its rehearsal
      }
    }
    return script(batch.script(c.tableRef(), c.prefix()));
  }

  @Override
  public Reply list(boolean json, String... words) {
    return OK;
  }

  @Override
  public Reply listTerse(String... words) {
    return OK;
  }

  @Override
  public String describe() {
    return "nftables rehearsal: nothing is sent";
  }

  /** Bytes of messages and scripts made so far. */
  long made() {
    return made;
  }
}
