package spa.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cheap structural look at a decoded message, on messages built octet by octet. */
class GpgWireTest {

  @Test
  void wholePacketsEndExactlyAtTheMessagesEnd() {
    // old format, tag 1, one-octet length 2; new format, tag 18, one-octet length 1
    assertTrue(GpgWire.wholePackets(new byte[] {(byte) 0x84, 2, 0, 0, (byte) 0xD2, 1, 0}));
    assertFalse(GpgWire.wholePackets(new byte[] {(byte) 0x84, 3, 0, 0}));
    // a partial body chunk of 2 octets, then a last length of 1
    assertTrue(GpgWire.wholePackets(new byte[] {(byte) 0xD2, (byte) 0xE1, 0, 0, 1, 0}));
  }

  /** Random octets can start a chunk that runs past the end: that is not whole packets, and nothing throws. */
  @Test
  void aPartialChunkPastTheEndIsNotWholePackets() {
    assertFalse(GpgWire.wholePackets(new byte[] {(byte) 0xD2, (byte) 0xE5, 0, 0, 0}));
    assertFalse(GpgWire.wholePackets(new byte[] {(byte) 0xD2, (byte) 0xE1, 0, 0, (byte) 0xE4, 0}));
  }
}
