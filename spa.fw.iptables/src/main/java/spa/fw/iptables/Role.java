package spa.fw.iptables;

/** The six chains of fwknop's layout, with the fwknopd.conf variable that places each and its default. */
enum Role {
  INPUT("IPT_INPUT_ACCESS", "ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 1"),
  OUTPUT("IPT_OUTPUT_ACCESS", "ACCEPT, filter, OUTPUT, 1, FWKNOP_OUTPUT, 1"),
  FORWARD("IPT_FORWARD_ACCESS", "ACCEPT, filter, FORWARD, 1, FWKNOP_FORWARD, 1"),
  DNAT("IPT_DNAT_ACCESS", "DNAT, nat, PREROUTING, 1, FWKNOP_PREROUTING, 1"),
  SNAT("IPT_SNAT_ACCESS", "SNAT, nat, POSTROUTING, 1, FWKNOP_POSTROUTING, 1"),
  MASQUERADE("IPT_MASQUERADE_ACCESS", "MASQUERADE, nat, POSTROUTING, 1, FWKNOP_MASQUERADE, 1");

  final String key;
  final String dflt;

  Role(String key, String dflt) {
    this.key = key;
    this.dflt = dflt;
  }
}
