package spa.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import spa.client.ClientException;
import spa.client.rc.RcVariables;
import spa.core.Settings;

/** Translates {@link SpaOptions} into the rc variables they stand for; options that contradict each other fail. */
final class OptionSettings {
  private OptionSettings() {}

  /**
   * The command line as rc variables, each with the option that set it as its origin. {@code --stdin}
   * reads the key from {@code in} here.
   */
  static Settings of(SpaOptions o, InputStream in) throws ClientException {
    SpaOptions.Request r = o.request();
    SpaOptions.Server sv = o.server();
    SpaOptions.Keys k = o.keys();
    oneOf("the allow IP", opt("-a", r.allowIp != null), opt("-s", r.sourceIp), opt("-R", r.resolveIp));
    oneOf("the encryption key", opt("--key-rijndael", k.keyRijndael != null),
        opt("--key-base64-rijndael", k.keyBase64Rijndael != null), opt("-G", k.getKey != null), opt("--stdin", k.stdin));
    oneOf("the HMAC key", opt("--key-hmac", k.keyHmac != null), opt("--key-base64-hmac", k.keyBase64Hmac != null),
        opt("--get-hmac-key", k.getHmacKey != null));
    oneOf("the time offset", opt("--time-offset-plus", r.timeOffsetPlus != null),
        opt("--time-offset-minus", r.timeOffsetMinus != null));
    oneOf("the NAT port", opt("--nat-port", r.natPort != null), opt("--nat-rand-port", r.natRandPort));

    Settings.Builder b = Settings.builder("command line");
    put(b, "ACCESS", r.access, "--access");
    put(b, "ALLOW_IP", r.allowIp, "--allow-ip");
    flag(b, "ALLOW_IP", "source", r.sourceIp, "--source-ip");
    flag(b, "ALLOW_IP", "resolve", r.resolveIp, "--resolve-ip-https");
    put(b, "RESOLVE_URL", r.resolveUrl, "--resolve-url");
    if (r.resolveUrl != null && !b.has("ALLOW_IP")) {
      b.put("ALLOW_IP", "resolve", "option --resolve-url");
    }
    flag(b, "RESOLVE_HTTP_ONLY", "Y", r.resolveHttpOnly, "--resolve-http-only");
    put(b, RcVariables.SERVER_CMD, r.serverCmd, "--server-cmd");
    put(b, "NAT_ACCESS", r.natAccess, "--nat-access");
    flag(b, "NAT_LOCAL", "Y", r.natLocal, "--nat-local");
    put(b, "NAT_PORT", r.natPort, "--nat-port");
    flag(b, "NAT_RAND_PORT", "Y", r.natRandPort, "--nat-rand-port");
    put(b, "FW_TIMEOUT", r.fwTimeout, "--fw-timeout");
    put(b, "SPOOF_USER", r.spoofUser, "--spoof-user");
    if (r.timeOffsetPlus != null) {
      b.put("TIME_OFFSET", "+" + unsigned(r.timeOffsetPlus, "--time-offset-plus"), "option --time-offset-plus");
    }
    if (r.timeOffsetMinus != null) {
      b.put("TIME_OFFSET", "-" + unsigned(r.timeOffsetMinus, "--time-offset-minus"), "option --time-offset-minus");
    }
    put(b, "DIGEST_TYPE", r.digestType, "--digest-type");

    put(b, "SPA_SERVER", sv.destination, "--destination");
    put(b, "SPA_SERVER_PORT", sv.serverPort, "--server-port");
    put(b, "SPA_SERVER_PROTO", sv.serverProto, "--server-proto");
    put(b, "SPA_SOURCE_PORT", sv.sourcePort, "--source-port");
    put(b, "SPOOF_SOURCE_IP", sv.spoofSource, "--spoof-source");
    flag(b, "RAND_PORT", "Y", sv.randPort, "--rand-port");
    put(b, "HTTP_PROXY", sv.httpProxy, "--http-proxy");
    if (sv.httpProxy != null && sv.serverProto == null) {
      b.put("SPA_SERVER_PROTO", "http", "option --http-proxy");
    }
    put(b, "HTTP_USER_AGENT", sv.userAgent, "--user-agent");
    flag(b, "SERVER_RESOLVE_IPV4", "Y", sv.resolveIpv4, "--server-resolve-ipv4");
    families(b, sv);

    put(b, "ENCRYPTION_MODE", k.encryptionMode, "--encryption-mode");
    flag(b, "USE_HMAC", "Y", k.useHmac, "--use-hmac");
    put(b, "HMAC_DIGEST_TYPE", k.hmacDigestType, "--hmac-digest-type");
    if (k.hmacDigestType != null && !k.useHmac) {
      b.put("USE_HMAC", "Y", "option --hmac-digest-type");
    }
    put(b, "KEY", k.keyRijndael, "--key-rijndael");
    put(b, "KEY_BASE64", k.keyBase64Rijndael, "--key-base64-rijndael");
    put(b, "HMAC_KEY", k.keyHmac, "--key-hmac");
    put(b, "HMAC_KEY_BASE64", k.keyBase64Hmac, "--key-base64-hmac");
    put(b, "KEY_FILE", k.getKey, "--get-key");
    put(b, "HMAC_KEY_FILE", k.getHmacKey, "--get-hmac-key");
    if (k.stdin) {
      b.put("KEY", readLine(in), "standard input");
    }
    flag(b, "USE_GPG", "Y", k.gpg, "--gpg-encryption");
    put(b, "GPG_RECIPIENT", k.gpgRecipient, "--gpg-recipient-key");
    put(b, "GPG_SIGNER", k.gpgSigner, "--gpg-signer-key");
    put(b, "GPG_HOMEDIR", k.gpgHomeDir, "--gpg-home-dir");
    put(b, "GPG_EXE", k.gpgExe, "--gpg-exe");
    flag(b, "USE_GPG_AGENT", "Y", k.gpgAgent, "--gpg-agent");
    flag(b, "GPG_NO_SIGNING_PW", "Y", k.gpgNoSigningPw, "--gpg-no-signing-pw");
    put(b, "GPG_SIGNING_PW", k.gpgSigningPw, "--gpg-signing-pw");
    flag(b, "VERBOSE", "Y", o.output().verbose.length > 0, "--verbose");
    flag(b, "NO_SAVE_ARGS", "Y", o.config().noSaveArgs, "--no-save-args");
    return b.build();
  }

  /** {@code -4}, {@code -6}; and {@code -w}/{@code --curl-cmd}, refused: spa runs no program to resolve -R. */
  private static void families(Settings.Builder b, SpaOptions.Server sv) throws ClientException {
    oneOf("the server's address family", opt("-4", sv.ipv4), opt("-6", sv.ipv6),
        opt("--server-resolve-ipv4", sv.resolveIpv4 && sv.ipv6));
    flag(b, "SERVER_RESOLVE_IPV4", "Y", sv.ipv4, "--ipv4");
    flag(b, RcVariables.SERVER_RESOLVE_IPV6, "Y", sv.ipv6, "--ipv6");
    String external = sv.wgetCmd != null ? "-w/--wget-cmd" : sv.curlCmd != null ? "--curl-cmd" : null;
    if (external != null) {
      throw new ClientException(external + ": spa runs no external program; it fetches the -R page itself"
          + " over HTTP(S) (drop the option)");
    }
  }

  private static void put(Settings.Builder b, String key, String value, String option) {
    if (value != null) {
      b.put(key, value, "option " + option);
    }
  }

  private static void flag(Settings.Builder b, String key, String value, boolean set, String option) {
    if (set) {
      b.put(key, value, "option " + option);
    }
  }

  private static String unsigned(String v, String option) throws ClientException {
    if (v.isEmpty() || v.charAt(0) == '-' || v.charAt(0) == '+') {
      throw new ClientException(option + ": '" + v + "' is not a time offset (digits with an optional m, h or d suffix)");
    }
    return v;
  }

  private static String opt(String name, boolean given) {
    return given ? name : null;
  }

  private static void oneOf(String what, String... given) throws ClientException {
    List<String> names = new ArrayList<>();
    for (String g : given) {
      if (g != null) {
        names.add(g);
      }
    }
    if (names.size() > 1) {
      throw new ClientException("options " + String.join(" and ", names) + " both give " + what + "; use one");
    }
  }

  private static String readLine(InputStream in) throws ClientException {
    try {
      String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new ClientException("--stdin: no key on standard input");
      }
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    } catch (IOException e) {
      throw new ClientException("--stdin: cannot read standard input: " + e.getMessage());
    }
  }
}
