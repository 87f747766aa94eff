package spa.fw.pf;

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
    ModuleDescriptor d = PfBackend.class.getModule().getDescriptor();
    assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(FirewallBackend.class.getName())
        && p.providers().equals(List.of(PfBackend.class.getName()))), d.provides().toString());
    FirewallBackend b = PfBackend.class.getConstructor().newInstance();
    assertEquals("pf", b.name());
    assertFalse(b.kernelExpiry());
    assertThrows(FirewallException.class, b::list);
  }
}
