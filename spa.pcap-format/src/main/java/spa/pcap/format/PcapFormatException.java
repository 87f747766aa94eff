package spa.pcap.format;

import java.io.IOException;

/** A file that is not a classic pcap file, or whose record structure is corrupt. */
public final class PcapFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public PcapFormatException(String message) {
    super(message);
  }

  /** The message alone: this is a data problem, not a program error. */
  @Override
  public String toString() {
    return getMessage();
  }
}
