/**
 * Test fixtures for whoever needs pcap input: building link-layer frames and writing pcap files. Shipped as
 * this module's test-jar (automatic module spa.pcap.format.testkit), not in the image: spa itself only reads pcap.
 */
package spa.pcap.format.testkit;
