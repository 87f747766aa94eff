package spa.capture.ulogd;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import spa.core.Packet;
import spa.pcap.format.FrameDecoder;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapFormatException;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.PcapReader;

/**
 * Follows a pcap file that another process appends to, like {@code tail -F}; each {@link #poll} reads
 * whatever complete records have arrived since the last one.
 *
 * <ul>
 *   <li>A record only partly written stays buffered until the rest arrives.
 *   <li>Rotation (the path now names another file, or none): the old file is drained, then kept open
 *       and drained for a grace period, because the writer goes on appending to it until it is told to
 *       reopen (ulogd2: SIGHUP from logrotate); the new file is read from its header.
 *   <li>Truncation (the file shrank below what was read): reading restarts at its beginning. ulogd2
 *       appends with {@code O_APPEND} and writes a header only into an empty file it opens, so after a
 *       {@code copytruncate} the file holds records without a header: those are read with the header
 *       seen before.
 *   <li>The file existing when following starts is skipped to its end (its packets are old); files that
 *       appear later are read from the start.
 * </ul>
 * Not thread-safe: one thread polls.
 */
final class PcapFollower implements Closeable {

  private static final System.Logger LOG = System.getLogger(PcapFollower.class.getName());

  private final Path path;
  private final long graceNanos;
  private final BooleanSupplier stopping;
  private Tail current;
  private final List<Tail> retired = new ArrayList<>();
  private PcapHeader lastHeader;
  private boolean skipExisting;
  private String problem;
  private long rotations;
  private long truncations;
  private long closedDecoded;
  private long closedIgnored;
  private long closedMalformed;

  /** One open file. */
  private static final class Tail {
    final FileChannel channel;
    final Object fileKey;
    PcapReader reader;
    FrameDecoder decoder;
    long skipUntil; // records ending at or before this offset were there at start: old
    long brokenAt = -1;
    long retireAt;

    Tail(FileChannel channel, Object fileKey) {
      this.channel = channel;
      this.fileKey = fileKey;
    }
  }

  /**
   * @param skipExisting skip the records of the file present at the first poll
   * @param graceMillis how long a rotated-away file is still read
   * @param stopping checked between records, to stop a long catch-up promptly
   */
  PcapFollower(Path path, boolean skipExisting, long graceMillis, BooleanSupplier stopping) {
    this.path = path;
    this.skipExisting = skipExisting;
    this.graceNanos = graceMillis * 1_000_000L;
    this.stopping = stopping;
  }

  /** Reads what has arrived, handing decoded packets to {@code sink}; returns how many. */
  int poll(Consumer<Packet> sink) {
    int n = 0;
    long now = System.nanoTime();
    for (Iterator<Tail> it = retired.iterator(); it.hasNext(); ) {
      Tail t = it.next();
      n += drain(t, sink);
      if (now - t.retireAt > 0) {
        close(t);
        it.remove();
      }
    }
    if (current == null) {
      current = open();
    }
    if (current == null) {
      return n;
    }
    checkTruncation(current);
    n += drain(current, sink);
    Object key = fileKey();
    if (!Objects.equals(key, current.fileKey)) {
      rotations++;
      LOG.log(Level.DEBUG, () -> path + " was rotated");
      current.retireAt = now + graceNanos;
      retired.add(current);
      current = open();
      if (current != null) {
        n += drain(current, sink);
      }
    }
    return n;
  }

  private Object fileKey() {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private Tail open() {
    Object before = fileKey();
    if (before == null) {
      skipExisting = false; // whatever appears later is new
      return null;
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      report(path + ": " + e);
      return null;
    }
    if (!before.equals(fileKey())) { // replaced while opening: try again next time
      closeQuietly(ch);
      return null;
    }
    Tail t = new Tail(ch, before);
    if (skipExisting) {
      try {
        t.skipUntil = ch.size();
      } catch (IOException e) {
        report(path + ": " + e);
      }
    }
    skipExisting = false;
    return t;
  }

  private void checkTruncation(Tail t) {
    try {
      long size = t.channel.size();
      long read = t.brokenAt >= 0 ? t.brokenAt : t.reader == null ? 0 : t.reader.channelBytes();
      if (size < read) {
        truncations++;
        LOG.log(Level.DEBUG, () -> path + " was truncated");
        retireDecoder(t);
        t.reader = null;
        t.brokenAt = -1;
        t.skipUntil = 0;
        problem = null;
        t.channel.position(0);
      }
    } catch (IOException e) {
      report(path + ": " + e);
    }
  }

  private int drain(Tail t, Consumer<Packet> sink) {
    if (t.brokenAt >= 0 || (t.reader == null && !startReader(t))) {
      return 0;
    }
    int n = 0;
    PcapReader r = t.reader;
    try {
      while (!stopping.getAsBoolean() && r.next()) {
        if (r.consumed() <= t.skipUntil) {
          continue;
        }
        Packet p = t.decoder.decode(r.data(), r.dataOffset(), r.capturedLength(), r.timestamp());
        if (p != null) {
          sink.accept(p);
          n++;
        }
      }
    } catch (IOException e) {
      broken(t, e.getMessage(), r.channelBytes());
    }
    return n;
  }

  /** Reads the file's header (or takes the known one for a headerless continuation); false to wait. */
  private boolean startReader(Tail t) {
    try {
      t.channel.position(0);
      PcapReader r = new PcapReader(t.channel);
      PcapHeader h;
      try {
        h = r.header();
      } catch (EOFException e) {
        t.channel.position(0); // fewer than 24 bytes so far
        return false;
      } catch (PcapFormatException e) {
        if (lastHeader == null || e.getMessage().startsWith("pcapng")) {
          broken(t, e.getMessage(), t.channel.size());
          return false;
        }
        t.channel.position(0);
        r = PcapReader.continuing(t.channel, lastHeader);
        h = lastHeader;
      }
      LinkType type = h.knownLinkType();
      if (type == null) {
        broken(t, "unsupported link type " + h.linkType(), t.channel.size());
        return false;
      }
      lastHeader = h;
      problem = null;
      t.reader = r;
      t.decoder = new FrameDecoder(type);
      return true;
    } catch (IOException e) {
      report(path + ": " + e);
      return false;
    }
  }

  private void broken(Tail t, String why, long at) {
    t.brokenAt = Math.max(at, 1);
    report(path + ": " + why);
  }

  private void report(String message) {
    if (!message.equals(problem)) {
      LOG.log(Level.ERROR, message);
    }
    problem = message;
  }

  /** The last problem with the file (unreadable, not pcap, corrupt), or null once it reads well. */
  String problem() {
    return problem;
  }

  long rotations() {
    return rotations;
  }

  long truncations() {
    return truncations;
  }

  /** Frames decoded into packets, ignored and malformed, over every file followed. */
  long[] frameCounts() {
    long d = closedDecoded;
    long i = closedIgnored;
    long m = closedMalformed;
    List<Tail> all = new ArrayList<>(retired);
    if (current != null) {
      all.add(current);
    }
    for (Tail t : all) {
      if (t.decoder != null) {
        d += t.decoder.decoded();
        i += t.decoder.ignored();
        m += t.decoder.malformed();
      }
    }
    return new long[] {d, i, m};
  }

  private void retireDecoder(Tail t) {
    if (t.decoder != null) {
      closedDecoded += t.decoder.decoded();
      closedIgnored += t.decoder.ignored();
      closedMalformed += t.decoder.malformed();
      t.decoder = null;
    }
  }

  private void close(Tail t) {
    retireDecoder(t);
    closeQuietly(t.channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "close: " + e);
    }
  }

  @Override
  public void close() {
    for (Tail t : retired) {
      close(t);
    }
    retired.clear();
    if (current != null) {
      close(current);
      current = null;
    }
  }
}
