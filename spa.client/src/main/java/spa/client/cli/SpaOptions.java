package spa.client.cli;

import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import spa.core.Settings;

/** The options of {@code spa}, with fwknop's names and meanings (read into rc variables by {@link OptionSettings}). */
@Command(
    name = "spa",
    sortOptions = false,
    usageHelpAutoWidth = true,
    headerHeading = "",
    header = "Send a Single Packet Authorization (SPA) packet to an fwknop-compatible server.",
    synopsisHeading = "%nUsage: ",
    customSynopsis = "spa -A <proto/port>[,...] (-a <ip> | -s | -R) -D <server> [options]%n"
        + "       spa -n <stanza> [options]%n"
        + "       spa ssh [--wait <seconds>] <host> [ssh arguments]%n"
        + "       spa -k [--hmac-digest-type <type>] [-K <file>]",
    footerHeading = "%n",
    footer = {
        "Settings come from the [default] stanza of ~/.fwknoprc, then the stanza named with -n, then the",
        "command line. Keys that are not given anywhere are asked for at the terminal."})
final class SpaOptions {

  /** What the packet asks for. */
  static final class Request {
    @Option(names = {"-A", "--access"}, paramLabel = "<proto/port>[,...]",
        description = "Ports to open, such as tcp/22 or tcp/22,udp/53.")
    String access;

    @Option(names = {"-a", "--allow-ip"}, paramLabel = "<ip>", description = "IPv4 address to open the ports for.")
    String allowIp;

    @Option(names = {"-s", "--source-ip"}, description = "Let the server use the packet's source address (0.0.0.0).")
    boolean sourceIp;

    @Option(names = {"-R", "--resolve-ip-https", "--resolve-ip-http"},
        description = "Learn the external IPv4 address from a web page (see --resolve-url).")
    boolean resolveIp;

    @Option(names = "--resolve-url", paramLabel = "<url>", description = "Page that echoes the client's address (implies -R).")
    String resolveUrl;

    @Option(names = "--resolve-http-only", description = "Resolve the external address over plain HTTP.")
    boolean resolveHttpOnly;

    @Option(names = {"-C", "--server-cmd"}, paramLabel = "<command>", description = "Ask the server to run a command instead.")
    String serverCmd;

    @Option(names = {"-N", "--nat-access"}, paramLabel = "<host>[:<port>]",
        description = "Reach an internal host through the server (NAT); host,port also works.")
    String natAccess;

    @Option(names = "--nat-local", description = "Reach a service on the server itself through a forwarded port.")
    boolean natLocal;

    @Option(names = "--nat-port", paramLabel = "<port>", description = "Ask for this port instead of the -A port.")
    String natPort;

    @Option(names = "--nat-rand-port", description = "Ask for a random port instead of the -A port.")
    boolean natRandPort;

    @Option(names = {"-f", "--fw-timeout"}, paramLabel = "<seconds>", description = "How long the server keeps access open.")
    String fwTimeout;

    @Option(names = {"-U", "--spoof-user"}, paramLabel = "<user>",
        description = "Username in the packet (default: $SPOOF_USER, $LOGNAME, $USER).")
    String spoofUser;

    @Option(names = "--time-offset-plus", paramLabel = "<time>", description = "Move the timestamp forward (seconds, or with m, h, d).")
    String timeOffsetPlus;

    @Option(names = "--time-offset-minus", paramLabel = "<time>", description = "Move the timestamp back (seconds, or with m, h, d).")
    String timeOffsetMinus;

    @Option(names = {"-m", "--digest-type"}, paramLabel = "<type>",
        description = "md5, sha1, sha256 (default), sha384, sha512, sha3_256 or sha3_512.")
    String digestType;
  }

  /** Where the packet goes and how. */
  static final class Server {
    @Option(names = {"-D", "--destination"}, paramLabel = "<host>", description = "The fwknopd server.")
    String destination;

    @Option(names = {"-p", "--server-port"}, paramLabel = "<port>", description = "Destination port (default 62201).")
    String serverPort;

    @Option(names = {"-P", "--server-proto"}, paramLabel = "<proto>", description = "udp (default), tcp, http; as root udpraw, tcpraw, icmp.")
    String serverProto;

    @Option(names = {"-S", "--source-port"}, paramLabel = "<port>", description = "Local port to send from.")
    String sourcePort;

    @Option(names = {"-r", "--rand-port"}, description = "Send to a random port 10000..65534.")
    boolean randPort;

    @Option(names = {"-H", "--http-proxy"}, paramLabel = "<host>[:<port>]", description = "Send over HTTP through this proxy.")
    String httpProxy;

    @Option(names = {"-u", "--user-agent"}, paramLabel = "<agent>", description = "HTTP User-Agent (default Fwknop/2.6.10).")
    String userAgent;

    @Option(names = "--server-resolve-ipv4", description = "Use only IPv4 addresses of the server.")
    boolean resolveIpv4;

    @Option(names = {"-Q", "--spoof-source", "--spoof-src"}, paramLabel = "<ip>",
        description = "Source address of a raw packet (-P udpraw, tcpraw, icmp).")
    String spoofSource;

    @Option(names = {"-4", "--ipv4"}, description = "Send to the server's IPv4 address only (as --server-resolve-ipv4).")
    boolean ipv4;

    @Option(names = {"-6", "--ipv6"}, description = "Send to the server's IPv6 address only.")
    boolean ipv6;

    @Option(names = {"-w", "--wget-cmd"}, paramLabel = "<path>", hidden = true)
    String wgetCmd;

    @Option(names = "--curl-cmd", paramLabel = "<path>", hidden = true)
    String curlCmd;
  }

  /** Keys and ciphers. */
  static final class Keys {
    @Option(names = {"-M", "--encryption-mode"}, paramLabel = "<mode>",
        description = "Rijndael mode: cbc (default), ecb, cfb, ofb, ctr, legacy.")
    String encryptionMode;

    @Option(names = "--use-hmac", description = "Add an HMAC (authenticated encryption).")
    boolean useHmac;

    @Option(names = "--hmac-digest-type", paramLabel = "<type>", description = "HMAC digest (default sha256); implies --use-hmac.")
    String hmacDigestType;

    @Option(names = "--key-rijndael", paramLabel = "<key>", description = "Encryption key (visible to other users in ps).")
    String keyRijndael;

    @Option(names = "--key-base64-rijndael", paramLabel = "<base64>", description = "Encryption key in base64.")
    String keyBase64Rijndael;

    @Option(names = "--key-hmac", paramLabel = "<key>", description = "HMAC key (visible to other users in ps).")
    String keyHmac;

    @Option(names = "--key-base64-hmac", paramLabel = "<base64>", description = "HMAC key in base64.")
    String keyBase64Hmac;

    @Option(names = {"-G", "--get-key"}, paramLabel = "<file>", description = "Read the encryption key from '<server>: <key>' lines.")
    String getKey;

    @Option(names = "--get-hmac-key", paramLabel = "<file>", description = "Read the HMAC key from '<server>: <key>' lines.")
    String getHmacKey;

    @Option(names = "--stdin", description = "Read the encryption key from standard input.")
    boolean stdin;

    @Option(names = {"-g", "--gpg-encryption"}, description = "Encrypt with GnuPG instead of Rijndael.")
    boolean gpg;

    @Option(names = "--gpg-recipient-key", paramLabel = "<id>", description = "GnuPG key of the server.")
    String gpgRecipient;

    @Option(names = "--gpg-signer-key", paramLabel = "<id>", description = "GnuPG key to sign with.")
    String gpgSigner;

    @Option(names = "--gpg-home-dir", paramLabel = "<dir>", description = "GnuPG home directory.")
    String gpgHomeDir;

    @Option(names = "--gpg-exe", paramLabel = "<path>", description = "GnuPG program.")
    String gpgExe;

    @Option(names = "--gpg-agent", description = "Use the GnuPG agent.")
    boolean gpgAgent;

    @Option(names = "--gpg-signing-pw", paramLabel = "<pw>", description = "Passphrase of the signing key.")
    String gpgSigningPw;

    @Option(names = "--gpg-no-signing-pw", description = "The signing key has no passphrase.")
    boolean gpgNoSigningPw;
  }

  /** Key generation. */
  static final class KeyGeneration {
    @Option(names = {"-k", "--key-gen"}, description = "Print a new KEY_BASE64 and HMAC_KEY_BASE64 and exit.")
    boolean keyGen;

    @Option(names = {"-K", "--key-gen-file"}, paramLabel = "<file>", description = "Write the new keys to a file instead.")
    String keyGenFile;

    @Option(names = "--key-len", paramLabel = "<bytes>", description = "Encryption key length (1..32, default 32).")
    Integer keyLen;

    @Option(names = "--hmac-key-len", paramLabel = "<bytes>", description = "HMAC key length (1..128, default by digest).")
    Integer hmacKeyLen;
  }

  /** The rc file. */
  static final class Config {
    @Option(names = {"-n", "--named-config"}, paramLabel = "<stanza>", description = "Use this stanza of the rc file.")
    String named;

    @Option(names = "--rc-file", paramLabel = "<file>", description = "Read this rc file instead of ~/.fwknoprc.")
    String rcFile;

    @Option(names = "--no-rc-file", description = "Read no rc file.")
    boolean noRcFile;

    @Option(names = "--stanza-list", description = "List the stanzas of the rc file and exit.")
    boolean stanzaList;

    @Option(names = "--save-rc-stanza",
        description = "Save these settings as rc stanza -n (or the -D server).")
    boolean saveRcStanza;

    @Option(names = "--force-stanza", description = "Replace a saved stanza without asking.")
    boolean forceStanza;

    @Option(names = "--no-save-args", description = "Do not save this command line in ~/.fwknop.run.")
    boolean noSaveArgs;

    @Option(names = {"-l", "--last-cmd"}, description = "Run the command line saved in ~/.fwknop.run again.")
    boolean lastCmd;

    @Option(names = "--show-last", description = "Print the command line saved in ~/.fwknop.run and exit.")
    boolean showLast;
  }

  /** Output and general options. */
  static final class Output {
    @Option(names = {"-T", "--test"}, description = "Build, print and decode the packet without sending it.")
    boolean test;

    @Option(names = {"-B", "--save-packet"}, paramLabel = "<file>", description = "Also write the packet to a file.")
    String savePacket;

    @Option(names = {"-b", "--save-packet-append"}, description = "Append to the -B file instead of replacing it.")
    boolean savePacketAppend;

    @Option(names = {"-v", "--verbose"}, description = "Print the packet and how it is sent.")
    boolean[] verbose = new boolean[0];

    @Option(names = "--qr", description = "Print the keys as a QR code for the Fwknop2 app and exit.")
    boolean qr;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
    boolean help;
  }

  @ArgGroup(validate = false, heading = "%nWhat to ask for:%n", order = 1)
  Request request;

  @ArgGroup(validate = false, heading = "%nWhere and how to send:%n", order = 2)
  Server server;

  @ArgGroup(validate = false, heading = "%nKeys and encryption:%n", order = 3)
  Keys keys;

  @ArgGroup(validate = false, heading = "%nKey generation:%n", order = 4)
  KeyGeneration keyGeneration;

  @ArgGroup(validate = false, heading = "%nConfiguration:%n", order = 5)
  Config config;

  @ArgGroup(validate = false, heading = "%nOutput:%n", order = 6)
  Output output;

  Request request() {
    return request == null ? request = new Request() : request;
  }

  Server server() {
    return server == null ? server = new Server() : server;
  }

  Keys keys() {
    return keys == null ? keys = new Keys() : keys;
  }

  KeyGeneration keyGeneration() {
    return keyGeneration == null ? keyGeneration = new KeyGeneration() : keyGeneration;
  }

  Config config() {
    return config == null ? config = new Config() : config;
  }

  Output output() {
    return output == null ? output = new Output() : output;
  }
}
