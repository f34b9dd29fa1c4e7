/**
 * One load run with autocannon: POSTs to a fixed path, rotating through many prepared bodies (so heartbeats come
 * from many tokens, roomlist asks many pages), and checks every reply with a cheap predicate: a bench of error
 * replies is worthless, so non-2xx and failed checks are counted and reported next to the speed.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  name: string;
  url: string;
  path: string;
  bodies: string[];
  /** True when a reply body is a success (e.g. exactly the heartbeat's `{"errorCode":0,"errorInfo":""}`). */
  ok(body: string): boolean;
  connections: number;
  durationS: number;
  /** CPU used so far by the process under load (ms), to report its CPU cost per request. */
  cpuMs?: () => number | null;
}

export interface LoadResult {
  name: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  non2xx: number;
  /** 2xx replies that failed the check (errorCode ≠ 0 or unexpected shape). */
  badReplies: number;
  /** Connection errors and timeouts. */
  errors: number;
  durationS: number;
  /**
   * CPU time the server process spent per answered request, in µs (null where unmeasurable). Unlike req/s it barely
   * depends on what else the machine is doing, so it is the number to compare when tuning on a busy machine.
   */
  serverCpuUsPerReq: number | null;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let next = 0;
  let bad = 0;
  const cpuBefore = spec.cpuMs?.() ?? null;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationS,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: spec.path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: spec.bodies[next++ % spec.bodies.length] }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && !spec.ok(body)) bad++;
        },
      },
    ],
  });
  const cpuAfter = spec.cpuMs?.() ?? null;
  return {
    name: spec.name,
    reqPerSec: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    badReplies: bad,
    errors: result.errors + result.timeouts,
    durationS: result.duration,
    serverCpuUsPerReq:
      cpuAfter !== null && cpuBefore !== null && result.requests.total > 0
        ? Math.round(((cpuAfter - cpuBefore) * 1000) / result.requests.total)
        : null,
  };
}

/**
 * The same load spread over several instances of the server, as a balancer would: one autocannon per instance, all
 * at once in this process, the connections split between them (so the total stays `connections`, as for one
 * instance), each instance given its own share of the bodies (a client keeps its connection to one instance).
 * Why parallel autocannons rather than one round-robin client: autocannon aims at one origin, and a round-robin
 * proxy in between would be a process of its own competing for the same two cores. Merged: requests add up,
 * p50/p99/max are the worst instance's, server CPU is all instances' together (`cpuMs` sums them).
 */
export async function runLoadSpread(spec: LoadSpec & { urls: string[] }): Promise<LoadResult> {
  const n = spec.urls.length;
  if (n === 1) return runLoad({ ...spec, url: spec.urls[0]! });
  const cpuBefore = spec.cpuMs?.() ?? null;
  const parts = await Promise.all(
    spec.urls.map((url, i) =>
      runLoad({
        ...spec,
        url,
        cpuMs: undefined,
        connections: Math.max(1, Math.round(spec.connections / n)),
        bodies: spec.bodies.filter((_, j) => j % n === i),
      }),
    ),
  );
  const cpuAfter = spec.cpuMs?.() ?? null;
  const total = parts.reduce((s, r) => s + r.total, 0);
  const durationS = Math.max(...parts.map((r) => r.durationS));
  const worst = (f: (r: LoadResult) => number) => Math.max(...parts.map(f));
  const sum = (f: (r: LoadResult) => number) => parts.reduce((s, r) => s + f(r), 0);
  return {
    name: spec.name,
    reqPerSec: Math.round(sum((r) => r.reqPerSec)),
    p50Ms: worst((r) => r.p50Ms),
    p99Ms: worst((r) => r.p99Ms),
    maxMs: worst((r) => r.maxMs),
    total,
    non2xx: sum((r) => r.non2xx),
    badReplies: sum((r) => r.badReplies),
    errors: sum((r) => r.errors),
    durationS,
    serverCpuUsPerReq:
      cpuAfter !== null && cpuBefore !== null && total > 0 ? Math.round(((cpuAfter - cpuBefore) * 1000) / total) : null,
  };
}
