package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.FirewallException;
import spa.core.spi.FirewallBackend;

class ProviderTest {

  @Test
  void theModuleProvidesTheBackendForServiceLoader() throws Exception {
    ModuleDescriptor d = NftablesBackend.class.getModule().getDescriptor();
    assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(FirewallBackend.class.getName())
        && p.providers().equals(List.of(NftablesBackend.class.getName()))), d.provides().toString());
    FirewallBackend b = NftablesBackend.class.getConstructor().newInstance();
    assertEquals("nftables", b.name());
    assertTrue(b.kernelExpiry());
    assertThrows(FirewallException.class, b::list);
  }
}
