package spa.cipher.gpg;

import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.Decryptor;

/**
 * The server side of fwknop's GnuPG mode for one access stanza, on Bouncy Castle: no gpg program, no agent.
 * See {@link StanzaKeys} for the settings.
 */
public final class GpgDecryptor implements Decryptor {

  @Override
  public String name() {
    return "gpg";
  }

  @Override
  public boolean configuredBy(Settings stanza) {
    return StanzaKeys.enabled(stanza);
  }

  @Override
  public Keyed forStanza(Settings stanza) throws ConfigException {
    return new GpgOpener(StanzaKeys.from(stanza));
  }
}
