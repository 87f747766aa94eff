package example.fw.command;

import java.io.IOException;
import java.util.Map;

/**
 * The contract with {@code FWCMD_KERNEL_EXPIRY Y}: the templates add entries to a table that expires them by
 * itself ({@code acl -e}), so the backend may declare that the firewall closes on time without the engine.
 */
class CommandKernelExpiryContractTest extends CommandContractTest {

  CommandKernelExpiryContractTest() throws IOException {
    super();
  }

  @Override
  protected Map<String, String> contractSettings(boolean nat) {
    return Map.of(
        "FWCMD_OPEN", "acl -e -t spa add ${SOURCE} ${PROTO}/${PORT} ${EXPIRES}",
        "FWCMD_CLOSE", "acl -e -t spa del ${SOURCE} ${PROTO}/${PORT}",
        "FWCMD_LIST", "acl -e -t spa list",
        "FWCMD_KERNEL_EXPIRY", "Y");
  }

  @Override
  protected boolean expectsKernelExpiry() {
    return true;
  }
}
