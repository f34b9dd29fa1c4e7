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
