/**
 * The e2e server: the production entry (server/start.ts), plus the phone of the demo's live class. The run uses a
 * short COURSE_DEAD_S (server-env.ts) so tests can watch the sweeper end a class whose teacher went away; the demo's
 * live class must stay live for the page screenshots, so its teacher's phone beats as the real app does
 * (`live/heartbeat` every 3 s over loopback). Run with tsx by playwright.config.ts after seed-demo.ts.
 */
import '../../server/start';
import { demoData } from './demo';
import { E2E_BASE, E2E_SDKAPPID } from './server-env';

const BEAT_MS = 3_000;

async function legacy(
  svcCmd: string,
  body: Record<string, unknown>,
): Promise<{ errorCode: number; data?: { token?: string } }> {
  const [svc, cmd] = svcCmd.split('/') as [string, string];
  const res = await fetch(`${E2E_BASE}/index.php?svc=${svc}&cmd=${cmd}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: E2E_SDKAPPID, timeStamp: Math.floor(Date.now() / 1000), ...body }),
  });
  return (await res.json()) as { errorCode: number; data?: { token?: string } };
}

async function demoPhone(): Promise<never> {
  const demo = demoData();
  let token: string | null = null;
  for (;;) {
    try {
      token ??=
        (
          await legacy('account/login', {
            id: demo.teacher,
            pwd: Buffer.from(demo.password, 'utf8').toString('base64'),
          })
        ).data?.token ?? null;
      if (token && (await legacy('live/heartbeat', { token, roomnum: String(demo.liveRoomnum) })).errorCode !== 0)
        token = null;
    } catch {
      // The server is not listening yet: try again at the next beat.
    }
    await new Promise((r) => setTimeout(r, BEAT_MS));
  }
}

void demoPhone();
