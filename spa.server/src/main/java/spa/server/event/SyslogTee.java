package spa.server.event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** An output stream that also hands each whole, non-empty line written to it on, prefixed {@code <6>} (info). */
final class SyslogTee extends OutputStream {
  private static final byte[] PREFIX =
      ("<" + SyslogSink.INFO + ">").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private final OutputStream out;
  private final java.util.function.Consumer<byte[]> sink;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  SyslogTee(OutputStream out, java.util.function.Consumer<byte[]> sink) {
    this.out = out;
    this.sink = sink;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } finally {
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          if (partial.size() == 0) {
            partial.write(PREFIX);
          }
          partial.write(b, start, i + 1 - start);
          if (partial.size() > PREFIX.length + 1) {
            sink.accept(partial.toByteArray());
          }
          partial.reset();
          start = i + 1;
        }
      }
      if (start < off + len) {
        if (partial.size() == 0) {
          partial.write(PREFIX);
        }
        partial.write(b, start, off + len - start);
      }
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
