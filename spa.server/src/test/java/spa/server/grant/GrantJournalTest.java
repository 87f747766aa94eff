package spa.server.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Grant;
import spa.core.ProtoPort;

/** The journal as an append-only log: what a restart reads back, and a size that follows the live openings. */
class GrantJournalTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  @TempDir Path dir;

  @Test
  void aRestartReadsBackTheLiveOpeningsAndTheFileStaysNearTheirSize() throws Exception {
    Path file = dir.resolve("grants.journal");
    GrantJournal j = new GrantJournal(file);
    j.store(List.of());
    List<Grant> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(grant(i, 60));
    }
    for (int i = 0; i < all.size(); i += 100) {
      j.opened(all.subList(i, i + 100));
    }
    for (int i = 100; i < all.size(); i++) {
      j.closed(all.get(i));
    }
    List<String> problems = new ArrayList<>();
    assertEquals(all.subList(0, 100), new GrantJournal(file).load(problems));
    assertEquals(List.of(), problems);
    long records = Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).count();
    assertTrue(records <= 2 * 100 + 64, records + " lines for 100 live openings");
  }

  @Test
  void aReknockReplacesItsOpeningsLineAndAClosedOneStaysClosed() throws Exception {
    Path file = dir.resolve("grants.journal");
    GrantJournal j = new GrantJournal(file);
    Grant first = grant(1, 30);
    Grant longer = first.withExpiry(first.expires().plusSeconds(60));
    j.opened(List.of(first, grant(2, 30)));
    j.opened(List.of(longer));
    j.closed(grant(2, 30));
    assertEquals(List.of(longer), new GrantJournal(file).load(new ArrayList<>()));
  }

  @Test
  void cycleClosesSurviveGrantChangesAndADoneOneIsNotReadBack() throws Exception {
    Path file = dir.resolve("grants.journal");
    GrantJournal j = new GrantJournal(file);
    j.addClose(new GrantJournal.CycleClose("a", T, null, null, "s", "/bin/true a"));
    j.addClose(new GrantJournal.CycleClose("b", T, "nobody", null, "s", "/bin/true b"));
    j.opened(List.of(grant(1, 30)));
    j.closeDone("a");
    j.store(List.of(grant(3, 30)));
    GrantJournal again = new GrantJournal(file);
    assertEquals(List.of("b"), again.loadCloses(new ArrayList<>()).stream().map(GrantJournal.CycleClose::id).toList());
    assertEquals(List.of(grant(3, 30)), again.load(new ArrayList<>()));
  }

  @Test
  void aRecordTornByACrashIsReportedAndTheRestIsRead() throws Exception {
    Path file = dir.resolve("grants.journal");
    GrantJournal j = new GrantJournal(file);
    j.opened(List.of(grant(1, 30)));
    Files.writeString(file, GrantJournal.format(grant(2, 30)).substring(0, 12), StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    List<String> problems = new ArrayList<>();
    assertEquals(List.of(grant(1, 30)), new GrantJournal(file).load(problems));
    assertEquals(1, problems.size(), problems.toString());
  }

  private static Grant grant(int i, int seconds) throws Exception {
    InetAddress src = InetAddress.getByAddress(new byte[] {(byte) 198, 19, (byte) (i >> 8), (byte) i});
    return new Grant(src, null, List.of(new ProtoPort("tcp", 22)), null, T.plusSeconds(seconds), "ssh");
  }
}
