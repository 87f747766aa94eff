/** pcap4j 1.8.2 requires the file-derived module name slf4j.api; SLF4J 2 is org.slf4j. */
module slf4j.api {
  requires transitive org.slf4j;
}
