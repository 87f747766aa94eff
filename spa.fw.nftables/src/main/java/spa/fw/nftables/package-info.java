/**
 * The nftables firewall backend ({@code nftables}): grants are elements of sets and maps that carry a kernel
 * timeout, added in one nft transaction per batch of grants, so an opening closes on time even if spad is
 * killed. The backend talks to the kernel in-process through libnftables (a context with buffered output and
 * errors), or, when the library does not load or {@code NFT_USE_LIBRARY} is N, through the nft command.
 * In-process, a grant's element changes (up to 64 in a batch) and set listings go straight to the kernel over
 * netlink, without libnftables' cache; whatever netlink refuses, libnftables does again and reports. The
 * deployment modes, settings and complete example rulesets are in {@code docs/nftables.md} of this module.
 *
 * <p>Settings (fwknopd.conf names; the HOCON configuration uses the same keys):
 * <ul>
 *   <li>{@code NFT_MODE} {@code own} (default: spa's own table), {@code embedded} (spa's sets and chains in
 *       the admin's table, the admin jumps to them) or {@code sets} (only sets and maps; the admin's rules
 *       use them);</li>
 *   <li>{@code NFT_TABLE} table name, default {@code spa}; required for embedded and sets;</li>
 *   <li>{@code NFT_FAMILY} {@code inet} (default), {@code ip} or {@code ip6};</li>
 *   <li>{@code NFT_PREFIX} prefix of spa's set and chain names: none in own mode, {@code spa_} otherwise;</li>
 *   <li>{@code NFT_PROTECTED_PORTS} for example {@code tcp/22, udp/1194}: new connections to these are
 *       dropped unless granted. Defaults to {@code OPEN_PORTS} (the engine passes the access stanzas'
 *       OPEN_PORTS under that key); {@code none}, or no OPEN_PORTS at all (fwknop's shipped access.conf),
       protects nothing: spa's chains then only accept granted traffic, fwknopd's model, and the admin's
       ruleset must drop the rest (a drop in another table wins over spa's accept);</li>
 *   <li>{@code NFT_FORWARD_DROP} Y: spa's forward chain drops new forwarded connections without a grant;</li>
 *   <li>{@code NFT_EXE} path of nft, default {@code /usr/sbin/nft}: the fallback, and {@code nft monitor};</li>
 *   <li>{@code NFT_USE_LIBRARY} Y (default): libnftables in-process when it loads; N: always the nft command;</li>
 *   <li>{@code NFT_LIBRARY} file name or path of libnftables, default {@code libnftables.so.1};</li>
 *   <li>{@code ENABLE_IPT_FORWARDING}, {@code ENABLE_IPT_LOCAL_NAT}: create the forward and NAT chains.</li>
 * </ul>
 *
 * <p>A reload of spad rebuilds spa's objects for the new settings in one transaction, keeping the grants (a
 * new stanza's OPEN_PORTS are protected at once); NFT_EXE, NFT_MODE, NFT_FAMILY, NFT_TABLE and NFT_PREFIX
 * change only with a restart.
 */
package spa.fw.nftables;
