package spa.fw.ipfw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    ModuleDescriptor d = IpfwBackend.class.getModule().getDescriptor();
    assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(FirewallBackend.class.getName())
        && p.providers().equals(List.of(IpfwBackend.class.getName()))), d.provides().toString());
    FirewallBackend b = IpfwBackend.class.getConstructor().newInstance();
    assertEquals("ipfw", b.name());
    assertFalse(b.kernelExpiry());
    assertThrows(FirewallException.class, b::list);
  }
}
