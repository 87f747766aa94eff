package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Nat;
import spa.core.ProtoPort;

/**
 * The listing reader on {@code nft -j list set} and {@code list map} output captured from a kernel (nftables
 * 1.0.6, listings/): each of spa's set shapes, with and without comment, with and without timeout, IPv4 and IPv6.
 */
class ListingTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void accessSetsWithAndWithoutComment() throws Exception {
    assertEquals(List.of(
        new Grant(ip("198.18.0.7"), null, List.of(tcp(22)), null, T.plusSeconds(59), "access.conf:1"),
        new Grant(ip("198.18.0.8"), null, List.of(new ProtoPort("udp", 53)), null, T.plusSeconds(3599), "")),
        grants("spaaccess4"));
    assertEquals(List.of(
        new Grant(ip("fd00::7"), null, List.of(tcp(22)), null, T.plusSeconds(59), "s"),
        new Grant(ip("fd00::8"), null, List.of(tcp(443)), null, T.plusSeconds(29), "")),
        grants("spaaccess6"));
    assertEquals(List.of(new Grant(ip("198.18.0.7"), ip("198.18.0.1"), List.of(tcp(22)), null, T.plusSeconds(59), "d")),
        grants("spaaccessd4"));
  }

  @Test
  void protocolsGivenAsNumbers() throws Exception {
    // nft -j -p, as the backend lists (from a set of 100,000; renamed to spa's prefix): 6 is tcp
    List<Listing.Entry> entries = Listing.entries(listing("spaaccess4-numeric"), "spa");
    assertEquals(List.of(List.of("198.19.0.0", "tcp", "22"), List.of("198.19.1.0", "tcp", "22")),
        entries.stream().map(Listing.Entry::key).toList());
    assertEquals(List.of("198.18.0.7", "udp", "53"), SetKind.ACCESS.protocolNames(List.of("198.18.0.7", "17", "53")));
    assertEquals(List.of("198.18.0.7", "250", "53"), SetKind.ACCESS.protocolNames(List.of("198.18.0.7", "250", "53")));
  }

  @Test
  void natMapsWithConcatenatedAndPlainData() throws Exception {
    assertEquals(List.of(new Grant(ip("198.18.0.7"), null, List.of(new ProtoPort("tcp", 8022)),
        new Nat(Nat.Kind.FORWARD, ip("198.18.1.5"), 22, Nat.Snat.NONE, null, true), T.plusSeconds(59), "n")),
        grants("spadnat4"));
    assertEquals(List.of(new Grant(ip("fd00::7"), null, List.of(tcp(22)),
        new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true), T.plusSeconds(59), "g")),
        grants("spalnat6"));
    List<Listing.Entry> snat = Listing.entries(listing("spasnatall4"), "spa");
    assertEquals(List.of(new Listing.Entry(SetKind.SNAT_ALL, false, List.of("198.18.0.9"), List.of("203.0.113.4"), 59L,
        "spa:tcp/0 f")), snat);
  }

  @Test
  void plainElementsWithoutTimeoutOrComment() throws Exception {
    assertEquals(List.of(new Listing.Entry(SetKind.MASQUERADE_ALL, true, List.of("fd00::9"), List.of(), null, "")),
        Listing.entries(listing("spamasqall6"), "spa"));
    assertEquals(List.of(new Listing.Entry(SetKind.FORWARD_ALL, false, List.of("198.18.0.9"), List.of(), 59L, "spa:tcp/0 f")),
        Listing.entries(listing("spafwdall4"), "spa"));
  }

  @Test
  void elementsBeforeTheNameAndOtherSetsAndItems() {
    String json = "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}, 7,"
        + " {\"set\": {\"elem\": [{\"concat\": [\"198.18.0.7\", \"tcp\", 22]}], \"name\": \"spaaccess4\"}},"
        + " {\"set\": {\"name\": \"admins\", \"elem\": [{\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}]}},"
        + " {\"rule\": {\"expr\": []}}]}";
    assertEquals(List.of(new Listing.Entry(SetKind.ACCESS, false, List.of("198.18.0.7", "tcp", "22"), List.of(), null, "")),
        Listing.entries(json, "spa"));
  }

  @Test
  void canonicalAddressesInKeys() {
    String json = "{\"nftables\": [{\"set\": {\"name\": \"spaaccess6\", \"elem\": [{\"elem\": {\"val\": {\"concat\":"
        + " [\"FD00:0:0:0::0:8\", \"tcp\", 22]}, \"timeout\": 60, \"expires\": 12}}]}}]}";
    assertEquals(List.of("fd00::8", "tcp", "22"), Listing.entries(json, "spa").get(0).key());
  }

  @Test
  void plainIpv4IsOnlyTheCanonicalDottedQuad() {
    for (String yes : List.of("0.0.0.0", "198.18.0.7", "255.255.255.255", "10.200.30.4")) {
      assertTrue(Listing.plainIpv4(yes), yes);
    }
    for (String no : List.of("", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1234.1.1.1", "1..2.3", "1.2.3.4.",
        ".1.2.3", "1.2.3.a", "fd00::1", "::ffff:1.2.3.4")) {
      assertFalse(Listing.plainIpv4(no), no);
    }
  }

  @Test
  void refusesElementsThatDoNotFitTheSet() {
    for (String elem : List.of("\"198.18.0.7\"", "{\"concat\": [\"198.18.0.7\", \"tcp\", 70000]}",
        "{\"prefix\": {\"addr\": \"198.18.0.0\", \"len\": 16}}", "{\"range\": [\"198.18.0.1\", \"198.18.0.9\"]}",
        "[\"198.18.0.7\", \"tcp\", 22]", "{\"elem\": 5}")) {
      String json = "{\"nftables\": [{\"set\": {\"name\": \"spaaccess4\", \"elem\": [" + elem + "]}}]}";
      assertThrows(IllegalArgumentException.class, () -> Listing.entries(json, "spa"), elem);
    }
    for (String elem : List.of("\"198.18.0.9\"", "[\"198.18.0.9\"]", "[\"198.18.0.9\", \"203.0.113.4\", 1]")) {
      String json = "{\"nftables\": [{\"map\": {\"name\": \"spasnatall4\", \"elem\": [" + elem + "]}}]}";
      assertThrows(IllegalArgumentException.class, () -> Listing.entries(json, "spa"), elem);
    }
  }

  private static List<Grant> grants(String set) throws IOException {
    return Listing.grants(Listing.entries(listing(set), "spa"), T);
  }

  private static String listing(String set) throws IOException {
    try (InputStream in = ListingTest.class.getResourceAsStream("listings/" + set + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ProtoPort tcp(int port) {
    return new ProtoPort("tcp", port);
  }

  private static InetAddress ip(String literal) {
    return IpAddresses.literal(literal);
  }
}
