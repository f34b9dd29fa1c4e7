/**
 * What one client may hold of the node server's sockets: time limits on a request (headers, whole request, silence
 * before the first byte) and a cap on open connections per client address. Why: every open socket is a file
 * descriptor; unbounded, 2 × 10 000 idle sockets from one host exhausted the process's descriptors and every new
 * client was reset. Applied by server/main.ts to the production server.
 *
 * The cap counts per address as the socket shows it, IPv6 per /64 (one host usually holds a whole /64, so counting
 * single addresses would cap nothing). Peers listed in TRUSTED_PROXY are not capped: behind a proxy every client
 * arrives from its address. The default (MAX_CONNECTIONS_PER_IP, 2 000) is sized for a school behind one NAT
 * address: 300 students with a browser's 6 parallel connections each, or well over 1 000 app clients, fit under it.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import { normalizeAddress } from './client-address';

export interface ConnectionLimits {
  /** Time to receive a request's headers, and silence allowed before a new connection's first byte. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body: signed uploads under /storage/ can be large). */
  requestTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** Open connections one client address (IPv6: one /64) may hold; 0 = no cap. */
  maxPerAddress: number;
  /** Peers never capped (reverse proxies: TRUSTED_PROXY). */
  exempt: ReadonlySet<string>;
  /** Told once per refused connection (the caller logs, rate-limited). */
  onRefused?: (address: string) => void;
}

/** The key a socket's peer is counted under: an IPv4 address, or the /64 prefix of an IPv6 one. */
export function addressKey(remote: string): string {
  const a = normalizeAddress(remote);
  if (!a.includes(':')) return a;
  const [head = '', tail] = a.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+/, '') || '0')
    .join(':')}::/64`;
}

/** Applies the limits to `server`; returns the live counts (for tests and diagnostics). */
export function applyConnectionLimits(server: http.Server, limits: ConnectionLimits): { open(key: string): number } {
  server.headersTimeout = limits.headersTimeoutMs;
  // Node requires requestTimeout ≥ headersTimeout (0 would mean none).
  server.requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  server.timeout = limits.idleTimeoutMs;
  const open = new Map<string, number>();

  const onConnection = (socket: Socket) => {
    const remote = socket.remoteAddress;
    if (remote !== undefined && limits.maxPerAddress > 0 && !limits.exempt.has(normalizeAddress(remote))) {
      const key = addressKey(remote);
      const n = open.get(key) ?? 0;
      if (n >= limits.maxPerAddress) {
        limits.onRefused?.(key);
        socket.destroy();
        return;
      }
      open.set(key, n + 1);
      socket.once('close', () => {
        const left = (open.get(key) ?? 1) - 1;
        if (left <= 0) open.delete(key);
        else open.set(key, left);
      });
    }
    // headersTimeout runs only once a request has begun: a connection that never sends a byte would otherwise be
    // held until the idle timeout. Node's parser reads the socket itself (no 'data' events), so count bytes.
    const firstByte = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, limits.headersTimeoutMs);
    firstByte.unref();
    socket.once('close', () => clearTimeout(firstByte));
  };
  // Before http's own listener: a refused socket is destroyed before a parser is attached to it.
  server.prependListener('connection', onConnection);
  return { open: (key) => open.get(key) ?? 0 };
}
