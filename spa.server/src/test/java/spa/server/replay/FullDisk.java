package spa.server.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel on a disk that holds at most {@link #capacity} bytes of this file: a write past it goes out
 * part-way, as far as there is room, and the next one fails with the kernel's ENOSPC message. Truncating frees
 * room. {@link #failTruncates} makes truncation fail as well, to leave a torn record in place. While
 * {@link #forceGate} is set, a force signals {@link #forcing} and waits for the gate.
 */
final class FullDisk extends FileChannel {
  private final FileChannel file;
  volatile long capacity = Long.MAX_VALUE;
  volatile boolean failTruncates;
  int failures;
  volatile java.util.concurrent.CountDownLatch forceGate;
  final java.util.concurrent.Semaphore forcing = new java.util.concurrent.Semaphore(0);

  FullDisk(FileChannel file) {
    this.file = file;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    long room = capacity - file.size();
    if (room <= 0) {
      failures++;
      throw new IOException("No space left on device");
    }
    if (src.remaining() <= room) {
      return file.write(src);
    }
    ByteBuffer part = src.slice(src.position(), (int) room);
    int n = file.write(part);
    src.position(src.position() + n);
    return n;
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (failTruncates) {
      throw new IOException("Input/output error");
    }
    file.truncate(size);
    return this;
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new UnsupportedOperationException("the store writes one buffer at a time");
  }

  @Override
  public int write(ByteBuffer src, long position) {
    throw new UnsupportedOperationException("the store appends");
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return file.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return file.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return file.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return file.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    file.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public void force(boolean metaData) throws IOException {
    java.util.concurrent.CountDownLatch gate = forceGate;
    if (gate != null) {
      forcing.release();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
    file.force(metaData);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return file.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw new UnsupportedOperationException("the store appends");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return file.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return file.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return file.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    file.close();
  }
}
