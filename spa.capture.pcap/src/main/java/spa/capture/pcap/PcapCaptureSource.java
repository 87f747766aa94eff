package spa.capture.pcap;

import java.io.IOException;
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
}
