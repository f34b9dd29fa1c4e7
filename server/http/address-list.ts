/**
 * Lists of client addresses and CIDR blocks from configuration (`203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`),
 * validated at start (env.ts) and matched with node's BlockList.
 */
import { BlockList, isIP } from 'node:net';

interface Entry {
  address: string;
  prefix: number | null;
  type: 'ipv4' | 'ipv6';
}

/** One entry, or why it is not one (env.ts refuses the start with it). */
export function parseAddressEntry(entry: string): Entry | string {
  const [address = '', prefixText, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or CIDR block`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: null, type };
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max)
    return `"${entry}": the prefix length must be 0…${max}`;
  return { address, prefix: Number(prefixText), type };
}

const built = new WeakMap<readonly string[], BlockList>();

/** Whether `ip` is on the list (built once per configured array). Entries are trusted to have passed env.ts. */
export function addressListHas(entries: readonly string[], ip: string): boolean {
  let list = built.get(entries);
  if (!list) {
    list = new BlockList();
    for (const text of entries) {
      const e = parseAddressEntry(text);
      if (typeof e === 'string') throw new Error(e);
      if (e.prefix === null) list.addAddress(e.address, e.type);
      else list.addSubnet(e.address, e.prefix, e.type);
    }
    built.set(entries, list);
  }
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
