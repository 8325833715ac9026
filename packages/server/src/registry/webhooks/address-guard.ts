import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { invalidParameter } from '../../errors.js';

// Every range a webhook must not reach by default: loopback, private, link-local (cloud metadata
// at 169.254.169.254), carrier-grade NAT, "this network", multicast, reserved, and the IPv6
// equivalents. IPv4-mapped IPv6 addresses are unwrapped before the check.
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** True when `address` (an IP literal) is loopback, private, link-local or otherwise internal. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A webhook URL after its syntax has been checked. */
export interface WebhookTarget {
  url: URL;
  /** The host name without IPv6 brackets. */
  host: string;
}

/**
 * Checks a webhook URL's shape: http(s), a host, no credentials, no fragment. When private
 * targets are not allowed, IP literals and `localhost` names are refused here already; names
 * are checked again against their resolved addresses at every delivery.
 */
export function checkWebhookUrl(text: string, allowPrivate: boolean): WebhookTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidParameter(`Invalid webhook URL '${text.slice(0, 200)}': not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidParameter(`Invalid webhook URL scheme '${url.protocol}': use http or https.`);
  if (url.username || url.password)
    throw invalidParameter('Invalid webhook URL: credentials in the URL are not allowed.');
  if (url.hash) throw invalidParameter('Invalid webhook URL: fragments are not allowed.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw invalidParameter('Invalid webhook URL: no host.');
  if (!allowPrivate) {
    const isLocalName = /^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host);
    if (isLocalName || (isIP(host) !== 0 && isInternalAddress(host))) throw privateTarget(host);
  }
  return { url, host };
}

/**
 * Resolves the target's host once and checks every address it resolves to; returns the
 * address to connect to, so the check and the connection see the same IP (no DNS rebinding).
 */
export async function resolveWebhookTarget(
  target: WebhookTarget,
  allowPrivate: boolean,
): Promise<{ address: string; family: 4 | 6 }> {
  const literal = isIP(target.host);
  const addresses =
    literal !== 0
      ? [{ address: target.host, family: literal }]
      : await lookup(target.host, { all: true, verbatim: true });
  if (addresses.length === 0) throw new Error(`${target.host} resolves to no address`);
  if (!allowPrivate) {
    const internal = addresses.find((entry) => isInternalAddress(entry.address));
    if (internal) throw privateTarget(`${target.host} (${internal.address})`);
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function privateTarget(host: string): Error {
  return invalidParameter(
    `Webhook target ${host} is a private, loopback or link-local address; such targets are refused unless the server runs with CAIRN_WEBHOOKS_ALLOW_PRIVATE=true.`,
  );
}
