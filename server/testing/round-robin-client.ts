/**
 * A legacy-protocol client in front of several server instances, as a load balancer spreads a school's phones:
 * each call goes to the next instance in turn (or to the one named). An instance taken out (`markDown`, what a
 * balancer's health check does after a crash) gets no new calls. Transport failures reject; protocol refusals
 * resolve with their errorCode, so a test sees both.
 */
export interface Reply<T = Record<string, unknown>> {
  errorCode: number;
  errorInfo: string;
  data?: T;
  /** The instance that answered. */
  instance: number;
}

export class RoundRobinClient {
  private turn = 0;
  private readonly down = new Set<number>();

  constructor(
    private readonly urls: string[],
    private readonly appid: number,
  ) {}

  get size(): number {
    return this.urls.length;
  }

  /** No further calls go to instance `i`. */
  markDown(i: number): void {
    this.down.add(i);
    if (this.down.size >= this.urls.length) throw new Error('every instance is down');
  }

  /** The next live instance in turn. */
  nextInstance(): number {
    for (;;) {
      const i = this.turn++ % this.urls.length;
      if (!this.down.has(i)) return i;
    }
  }

  /** Calls `svc/cmd` with appid and timeStamp filled in, on `instance` or on the next one in turn. */
  async call<T = Record<string, unknown>>(
    svcCmd: string,
    body: Record<string, unknown> = {},
    instance = this.nextInstance(),
  ): Promise<Reply<T>> {
    const r = await this.post(instance, svcCmd, {
      appid: this.appid,
      timeStamp: Math.floor(Date.now() / 1000),
      ...body,
    });
    return { ...(r as Omit<Reply<T>, 'instance'>), instance };
  }

  /** POSTs `body` as is (callbacks carry their own fields) to `svc/cmd` on `instance`; the parsed JSON reply. */
  async post(instance: number, svcCmd: string, body: Record<string, unknown>): Promise<unknown> {
    const [svc, cmd] = svcCmd.split('/') as [string, string];
    const res = await fetch(`${this.urls[instance]}/index.php?svc=${svc}&cmd=${cmd}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${svcCmd} on instance ${instance}: HTTP ${res.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
}
