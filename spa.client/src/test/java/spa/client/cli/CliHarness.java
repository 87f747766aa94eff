package spa.client.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import spa.client.Ciphers;
import spa.client.ClientException;

/** Runs {@code spa} in-process with a controlled environment and captures its output. */
final class CliHarness {
  static final long NOW = 1_700_000_000L;

  final Map<String, String> env = new HashMap<>();
  final List<String> prompts = new ArrayList<>();
  final List<String> answers = new ArrayList<>();
  String stdin = "";
  boolean terminal = true;
  String account;
  final Path home;

  CliHarness(Path home) {
    this.home = home;
    env.put("HOME", home.toString());
    env.put("USER", "alice");
  }

  record Result(int status, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  Result run(String... args) {
    KeyPrompt prompt = (text, howToPass) -> {
      if (!terminal) {
        throw new ClientException("no terminal to ask for the key: " + howToPass);
      }
      prompts.add(text);
      if (answers.isEmpty()) {
        throw new ClientException("no key entered");
      }
      return answers.remove(0).toCharArray();
    };
    Environment e = new Environment(Map.copyOf(env), account, home, prompt,
        Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC), new SecureRandom(), Ciphers::installed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new SpaCommand(e).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
