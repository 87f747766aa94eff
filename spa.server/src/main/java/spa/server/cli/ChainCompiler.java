package spa.server.cli;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.Authorizer;
import spa.core.spi.Decryptor;
import spa.server.config.ServerConfig;
import spa.server.engine.DecisionChain;
import spa.server.plugin.Plugins;
import spa.server.policy.DefaultAuthorizer;
import spa.server.policy.NatResolver;
import spa.server.policy.Policy;
import spa.server.policy.PolicyCompiler;

/** Compiles the configuration into the decision chain: the policy with the cipher plugins, then AUTHORIZERS. */
final class ChainCompiler {
  private final Plugins plugins;
  private final Consumer<String> warn;

  ChainCompiler(Plugins plugins, Consumer<String> warn) {
    this.plugins = plugins;
    this.warn = warn;
  }

  DecisionChain compile(ServerConfig config) throws ConfigException {
    List<String> errors = new ArrayList<>();
    // the gpg plugin (and Bouncy Castle) becomes a layer only for a configuration with a GnuPG stanza
    boolean gnupg = config.stanzas().stream().anyMatch(sc -> PolicyCompiler.gnupgStanza(sc.settings()));
    List<Decryptor> decryptors = new ArrayList<>();
    for (String name : new java.util.LinkedHashSet<>(plugins.names(Decryptor.class, errors))) {
      if (gnupg || !name.equals("gpg")) {
        plugins.providers(Decryptor.class, name, errors).forEach(f -> decryptors.add(f.provider()));
      }
    }
    errors.forEach(e -> warn.accept("plugin " + e));
    Policy policy = new PolicyCompiler(decryptors, ZoneId::systemDefault).compile(config);
    List<Authorizer> extras = new ArrayList<>();
    Settings g = config.globals();
    if (g.has("AUTHORIZERS")) {
      errors.clear();
      for (String name : g.get("AUTHORIZERS").orElseThrow().split(",")) {
        String n = name.strip();
        if (n.isEmpty()) {
          continue;
        }
        extras.add(plugins.providers(Authorizer.class, n, errors).stream().findFirst()
            .orElseThrow(() -> g.invalid("AUTHORIZERS", "no authorizer plugin named '" + n + "' is installed"))
            .provider());
      }
      errors.forEach(e -> warn.accept("plugin " + e));
    }
    return new DecisionChain(policy, new DefaultAuthorizer(policy, NatResolver.system()), extras);
  }
}
