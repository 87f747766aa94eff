package spa.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import spa.core.codec.SpaFields;

/**
 * Learns the client's external IPv4 address from a web page that echoes it ({@code -R}): an HTTP(S) GET
 * whose body's first IPv4 address is taken.
 */
public final class ExternalIpResolver {
  /** fwknop's default resolver URL. */
  public static final URI DEFAULT_URL = URI.create("https://www.cipherdyne.org/cgi-bin/myip");
  /** The same over plain HTTP ({@code --resolve-http-only}). */
  public static final URI DEFAULT_HTTP_URL = URI.create("http://www.cipherdyne.org/cgi-bin/myip");

  private static final Pattern IPV4 = Pattern.compile("(?<![0-9.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?!\\.?[0-9])");

  private final HttpClient client;
  private final String userAgent;
  private final Duration timeout;

  public ExternalIpResolver(HttpClient client, String userAgent, Duration timeout) {
    this.client = client;
    this.userAgent = userAgent;
    this.timeout = timeout;
  }

  /** A resolver with its own client that follows redirects. */
  public static ExternalIpResolver create(String userAgent, Duration timeout) {
    HttpClient c = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    return new ExternalIpResolver(c, userAgent, timeout);
  }

  /** The first IPv4 address in the body served at {@code url}. */
  public String resolve(URI url) throws ClientException {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ClientException("resolve URL '" + url + "' is not http or https");
    }
    HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", userAgent).GET().build();
    HttpResponse<String> resp;
    try {
      resp = client.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ClientException("cannot resolve the external IP via " + url + ": " + why(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted while resolving the external IP via " + url);
    } catch (IllegalArgumentException e) {
      throw new ClientException("bad resolve URL '" + url + "': " + e.getMessage());
    }
    if (resp.statusCode() != 200) {
      throw new ClientException("cannot resolve the external IP via " + url + ": bad answer (HTTP status "
          + resp.statusCode() + ")");
    }
    return firstIpv4(resp.body()).orElseThrow(() -> new ClientException(
        "cannot resolve the external IP via " + url + ": bad answer (no IPv4 address in it)"));
  }

  /**
   * Why a request failed, in a few words: the JDK's HTTP client often gives a bare exception class, and its
   * messages say neither "refused" nor "no route" in terms a user reads.
   */
  static String why(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      switch (t) {
        case java.net.http.HttpConnectTimeoutException x -> { return "no answer (connection timed out)"; }
        case java.net.http.HttpTimeoutException x -> { return "no answer (timed out)"; }
        case java.net.NoRouteToHostException x -> { return "no route to the host"; }
        case java.net.ConnectException x when unreachable(x) -> { return "no route to the host"; }
        case java.net.ConnectException x -> { return "connection refused"; }
        case java.net.UnknownHostException x -> { return "cannot resolve the host name"; }
        case java.nio.channels.UnresolvedAddressException x -> { return "cannot resolve the host name"; }
        case javax.net.ssl.SSLException x -> { return "TLS failed (" + message(x) + ")"; }
        default -> { }
      }
    }
    return message(e);
  }

  private static boolean unreachable(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("unreachable")) {
        return true;
      }
    }
    return false;
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().replace('\n', ' ');
  }

  /** The first valid dotted-quad IPv4 address in {@code text}. */
  public static Optional<String> firstIpv4(String text) {
    Matcher m = IPV4.matcher(text);
    while (m.find()) {
      if (SpaFields.isIpv4(m.group(1))) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }
}
