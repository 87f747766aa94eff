package spa.capture.pcap;

import java.io.IOException;
import java.util.Map;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.CaptureSource;

/**
 * The {@code pcap} capture, fwknopd's default. With {@code PCAP_FILE} set it reads that file (fwknopd
 * {@code --pcap-file}) and calls {@link Sink#end()} at its end; otherwise it captures live on
 * {@code PCAP_INTF}. Both apply {@code PCAP_FILTER}. See {@link PcapSettings} for every setting.
 */
public final class PcapCaptureSource implements CaptureSource {

  @Override
  public String name() {
    return "pcap";
  }

  @Override
  public Capture start(Settings settings, Sink sink) throws ConfigException, IOException {
    PcapSettings ps = PcapSettings.from(settings);
    return ps.file() != null ? OfflineCapture.open(ps, settings, sink) : LiveCapture.open(ps, settings, sink);
  }

  /**
   * A live capture on {@code lo} of the datagrams to 127.0.0.1 {@code port} only (its filter), with a small
   * buffer; the other settings (snap length, direction) as the daemon's.
   */
  @Override
  public Capture rehearsal(Settings settings, int port, Sink sink) throws ConfigException, IOException {
    Settings s = settings.with(Settings.of(Map.of(PcapSettings.INTF, "lo", PcapSettings.FILE, "",
        PcapSettings.FILTER, "udp and dst host 127.0.0.1 and dst port " + port, PcapSettings.PROMISC, "N",
        PcapSettings.BUFFER_SIZE, String.valueOf(1 << 20)), "warm-up"));
    return LiveCapture.open(PcapSettings.from(s), s, sink);
  }
}
