package spa.client;

import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Encryptor;

/** Turns requests into encrypted packets with one set of keys. */
public final class SpaPacketBuilder {
  private final Encryptor.Keyed encryptor;
  private final Clock clock;
  private final RandomGenerator random;

  /**
   * @param encryptor the cipher bound to the keys
   * @param clock source of the timestamp
   * @param random source of the 16-digit random field (a {@link java.security.SecureRandom} in use)
   */
  public SpaPacketBuilder(Encryptor.Keyed encryptor, Clock clock, RandomGenerator random) {
    this.encryptor = Objects.requireNonNull(encryptor);
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
  }

  /** The message the request stands for, stamped now; the codec validates every field when encoding. */
  public SpaMessage message(SpaRequest request) {
    return SpaMessage.builder()
        .random(SpaCodec.randomValue(random))
        .user(request.user())
        .timestamp(clock.instant().getEpochSecond() + request.timeOffset())
        .type(request.messageType())
        .message(request.message())
        .natAccess(request.natAccess())
        .clientTimeout(request.clientTimeout())
        .digestType(request.digestType())
        .build();
  }

  /** Encodes and encrypts; {@link SpaException} of kind ENCODE names the field a request got wrong. */
  public SpaPacket build(SpaRequest request) throws SpaException {
    SpaMessage m = message(request);
    String plaintext = SpaCodec.encode(m);
    return new SpaPacket(m, plaintext, encryptor.encrypt(plaintext));
  }
}
