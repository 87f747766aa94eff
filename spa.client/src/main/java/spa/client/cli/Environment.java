package spa.client.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import spa.client.Ciphers;

/**
 * What the command takes from the world around it, injected so that tests can control it.
 *
 * @param env environment variables (SPOOF_USER, LOGNAME, USER, HOME)
 * @param account the name of the account the process runs as, or null
 * @param home the home directory holding {@code .fwknoprc}
 * @param prompt asks for keys that were not given
 * @param clock time for the timestamp
 * @param random randomness for the random field, ports and generated keys
 * @param ciphers cipher providers, looked up when first needed
 */
record Environment(Map<String, String> env, String account, Path home, KeyPrompt prompt, Clock clock, SecureRandom random,
    Supplier<Ciphers> ciphers) {

  /** The real process environment. */
  static Environment system() {
    Map<String, String> env = System.getenv();
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    Ciphers[] once = new Ciphers[1]; // looked up once: the command asks for the encryptor and then the decryptor
    return new Environment(env, System.getProperty("user.name"), Path.of(home), KeyPrompt.console(), Clock.systemUTC(), new SecureRandom(),
        () -> once[0] == null ? once[0] = Ciphers.installed(pluginsRoot()) : once[0]);
  }

  /** The installation's plugins directory ({@code spa.home} set by bin/spa), or null when run otherwise. */
  private static Path pluginsRoot() {
    String home = System.getProperty("spa.home");
    return home == null ? null : Path.of(home, "plugins");
  }

  /** The username fwknop would send: SPOOF_USER, else LOGNAME, else the account name, else USER, else NO_USER. */
  String loginName() {
    for (String v : new String[] {env.get("SPOOF_USER"), env.get("LOGNAME"), account, env.get("USER")}) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "NO_USER";
  }
}
