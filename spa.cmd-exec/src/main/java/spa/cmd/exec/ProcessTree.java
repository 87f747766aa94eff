package spa.cmd.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Kills a process with everything it started: its descendants and, when it leads its own session (started
 * through {@code setsid}), every process still in that session, which also finds the children that were
 * orphaned and re-parented to init, whose parent link {@link ProcessHandle#descendants} no longer follows.
 */
final class ProcessTree {
  /** Rounds of collecting and killing: a child forking while the first round runs is caught by the next. */
  private static final int ROUNDS = 4;
  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /** Sends SIGKILL to {@code root}, its descendants and, when it leads one, its session. */
  static void kill(ProcessHandle root) {
    long session = sessionOf(root.pid()).filter(s -> s == root.pid()).orElse(-1L);
    for (int round = 0; round < ROUNDS; round++) {
      Set<ProcessHandle> members = members(root, session);
      if (members.isEmpty()) {
        return;
      }
      // collected first, killed after: killing a parent first would re-parent its children before we see them
      members.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static Set<ProcessHandle> members(ProcessHandle root, long session) {
    Set<ProcessHandle> all = new LinkedHashSet<>();
    if (root.isAlive()) {
      all.add(root);
    }
    root.descendants().filter(ProcessHandle::isAlive).forEach(all::add);
    if (session > 0) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
        for (Path d : dirs) {
          long pid = Long.parseLong(d.getFileName().toString());
          if (sessionOf(pid).orElse(-1L) == session) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(all::add);
          }
        }
      } catch (IOException | RuntimeException e) {
        // no /proc: the descendants are all we can find
      }
    }
    return all;
  }

  /** The session id of {@code pid}, from {@code /proc/PID/stat}; empty when it is gone or a zombie. */
  static Optional<Long> sessionOf(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
      // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses, so split after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return "Z".equals(f[0]) ? Optional.empty() : Optional.of(Long.parseLong(f[3]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }
}
