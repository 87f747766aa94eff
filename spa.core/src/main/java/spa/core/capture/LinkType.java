package spa.core.capture;

/** pcap link-layer header types spa decodes. */
public enum LinkType {
  NULL(0), EN10MB(1), RAW(101), LOOP(108), LINUX_SLL(113);

  private final int code;

  LinkType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
