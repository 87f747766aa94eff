package example.fw.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.spi.FirewallBackend;

class ProviderTest {

  @Test
  void theModuleProvidesTheCommandBackendForServiceLoader() throws Exception {
    ModuleDescriptor d = CommandBackend.class.getModule().getDescriptor();
    assertTrue(d != null && d.name().equals("example.fw.command"), String.valueOf(d));
    assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(FirewallBackend.class.getName())
        && p.providers().equals(List.of(CommandBackend.class.getName()))), d.provides().toString());
    assertEquals("command", CommandBackend.class.getConstructor().newInstance().name());
  }
}
