/**
 * Issue 8 in the browser (server with COURSE_DEAD_S = E2E_COURSE_DEAD_S, see helpers/server-env.ts):
 * - the open course page keeps its class alive past the dead limit; a class whose page cannot beat is ended by the
 *   sweeper and the open page shows a banner saying why; a class whose page was closed ends too, and says why;
 * - "replay ready" needs a recording: a class ended without one says "ended, no recording", stays off the
 *   dashboard's recent playback and cannot be published;
 * - a recording whose file is missing (404) shows an error with a retry; timeline events no recording covers are
 *   greyed and clicking one says there is no video for that moment;
 * - the roster counts the teacher apart from students, lists comings and goings newest first, and shows heartbeat
 *   ages as honest ranges.
 * Each page the new parts appear on is checked with axe (no serious or critical violation).
 */
import { expect, test, type Page } from '@playwright/test';
import { axeFindings } from './helpers/capture';
import { en, loginInUi } from './helpers/console';
import { LegacyClient, uniqueId } from './helpers/legacy';
import { E2E_BASE, E2E_COURSE_DEAD_S, E2E_RECORDING_WAIT_S } from './helpers/server-env';

const DEAD_MS = E2E_COURSE_DEAD_S * 1000;

interface Room {
  state: number;
  begin_time: number;
}

/** The course as the app sees it (legacy roomlist). */
async function room(api: LegacyClient, token: string, roomnum: number): Promise<Room> {
  const r = await api.ok<{ rooms: Room[] }>('live/roomlist', { token, index: 0, size: 1, roomnum });
  return r.rooms[0]!;
}

/** The text of a message with its placeholders cut off: what every filled-in variant starts with. */
const prefix = (s: string) => s.split('{')[0]!;

async function expectNoSeriousAxe(page: Page, label: string): Promise<void> {
  expect(await axeFindings(page, test.info(), label), `serious/critical accessibility violations on ${label}`).toEqual(
    [],
  );
}

test('the open course page keeps its class alive; without it the class ends by itself and says why', async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(180_000);
  const api = new LegacyClient(request);
  const teacher = uniqueId('keeper');
  const token = await api.account(teacher, 'keep-pass', 1);
  const kept = (await api.ok<{ roomnum: number }>('live/create', { token, title: `Kept ${uniqueId('k')}` })).roomnum;
  const lost = (await api.ok<{ roomnum: number }>('live/create', { token, title: `Lost ${uniqueId('l')}` })).roomnum;
  await loginInUi(page, teacher, 'keep-pass');

  const beats: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.includes('course.beat')) beats.push(r.url());
  });
  await page.goto(`/courses/${kept}`);
  await page.getByTestId('start-course').click();
  await page.getByTestId('start-course-confirm').click();
  await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '1');
  const startedAt = Date.now();

  // A second class, started from the app; its page is open but its beats never reach the server.
  await api.ok('live/startcourse', { token, roomnum: lost });
  const other = await context.newPage();
  await other.route(
    (url) => url.pathname.includes('course.beat'),
    (route) => route.abort(),
  );
  await other.goto(`/courses/${lost}`);
  await expect(other.getByTestId('state-badge')).toHaveAttribute('data-state', '1');

  await test.step('the class whose page cannot beat is ended by the sweeper: the open page shows why', async () => {
    const banner = other.getByTestId('timeout-banner');
    await expect(banner).toBeVisible({ timeout: DEAD_MS + 15_000 });
    await expect(banner).toContainText(en['course.timeoutBannerTitle']);
    await expect(banner).toContainText(prefix(en['course.endedByTimeout']));
    await expect(other.getByTestId('end-reason')).toHaveAttribute('data-reason', 'timeout');
    await expectNoSeriousAxe(other, 'course-ended-banner');
  });

  await test.step('the class with its page open is still live well past the dead limit', async () => {
    const waitMs = 2 * DEAD_MS + 2_000 - (Date.now() - startedAt);
    if (waitMs > 0) await page.waitForTimeout(waitMs);
    expect((await room(api, token, kept)).state).toBe(1);
    await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '1');
    // The page beat on load and then on the server's schedule (a third of the dead limit here).
    expect(beats.length).toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('timeout-banner')).toHaveCount(0);
  });

  await test.step('the timeline of the swept class says the teacher was silent', async () => {
    await other.goto(`/courses/${lost}/playback`);
    const end = other.locator('[data-testid="timeline-item"][data-kind="end"]');
    await expect(end).toContainText(prefix(en['timeline.endByTimeout']));
  });

  await test.step('closing the page lets the class end by the usual rule; reopened, the page says why', async () => {
    await page.close();
    await expect
      .poll(async () => (await room(api, token, kept)).state, { timeout: DEAD_MS + 15_000 })
      .toBeGreaterThanOrEqual(2);
    await other.goto(`/courses/${kept}`);
    await expect(other.getByTestId('end-reason')).toHaveAttribute('data-reason', 'timeout');
    await expect(other.getByTestId('end-reason')).toContainText(prefix(en['course.endedByTimeout']));
    // Not seen ending on this page: the reason, without the banner.
    await expect(other.getByTestId('timeout-banner')).toHaveCount(0);
  });

  await test.step('a class the teacher ends says so', async () => {
    const ended = (await api.ok<{ roomnum: number }>('live/create', { token, title: `Ended ${uniqueId('e')}` }))
      .roomnum;
    await api.ok('live/startcourse', { token, roomnum: ended });
    await api.ok('live/exitroom', { token, roomnum: ended });
    await other.goto(`/courses/${ended}`);
    await expect(other.getByTestId('end-reason')).toHaveAttribute('data-reason', 'teacher');
    await expect(other.getByTestId('end-reason')).toHaveText(en['course.endedByTeacher']);
    await other.goto(`/courses/${ended}/playback`);
    await expect(other.locator('[data-testid="timeline-item"][data-kind="end"]')).toContainText(
      en['timeline.endByTeacher'],
    );
  });
});

test('replay ready needs a recording; a missing video file shows an error and a retry; uncovered events are greyed', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const api = new LegacyClient(request);
  const teacher = uniqueId('rec');
  const token = await api.account(teacher, 'rec-pass', 1);
  const student = uniqueId('recs');
  const studentToken = await api.account(student, 'rec-pass', 0);
  const bareTitle = `Bare ${uniqueId('b')}`;
  const brokenTitle = `Broken ${uniqueId('r')}`;
  const bare = (await api.ok<{ roomnum: number }>('live/create', { token, title: bareTitle })).roomnum;
  const broken = (await api.ok<{ roomnum: number }>('live/create', { token, title: brokenTitle })).roomnum;
  for (const roomnum of [bare, broken]) await api.ok('live/startcourse', { token, roomnum });
  // The student joins 2 s into the class: after the recording below (the first second) has ended.
  await page.waitForTimeout(2_100);
  for (const roomnum of [bare, broken]) {
    await api.ok('live/reportmemid', { token: studentToken, roomnum, operate: 0 });
    await api.ok('live/exitroom', { token, roomnum });
  }
  const begin = (await room(api, token, broken)).begin_time;
  const missingUrl = `${E2E_BASE}/storage/missing/${uniqueId('gone')}.mp4`;
  const res = await api.recordingReady({
    roomnum: broken,
    host: teacher,
    videoUrl: missingUrl,
    start: begin,
    durationS: 1,
  });
  expect(await res.json()).toEqual({ code: 0 });
  // The index job makes both state 3; only the one with a recording is a ready replay.
  for (const roomnum of [bare, broken])
    await expect.poll(async () => (await room(api, token, roomnum)).state, { timeout: 30_000 }).toBe(3);
  await loginInUi(page, teacher, 'rec-pass');

  await test.step('the dashboard lists only the replay that has a recording', async () => {
    const recent = page.locator('section[aria-labelledby="dash-replay"]');
    // The recording re-queued the index it may have had; ready once rebuilt (a scheduler tick or two).
    await expect(async () => {
      await page.reload();
      await expect(recent.getByRole('link', { name: brokenTitle })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(recent).not.toContainText(bareTitle);
  });

  await test.step('the course without a recording says so and cannot be published', async () => {
    // "No recording" only once RECORDING_WAIT_S has passed since the end (before: waiting for the recording).
    const row = page.getByTestId('course-row').filter({ hasText: bareTitle });
    await expect(async () => {
      await page.goto('/courses');
      await expect(row.getByTestId('state-badge')).toHaveText(en['state.noRecording'], { timeout: 2_000 });
    }).toPass({ timeout: (E2E_RECORDING_WAIT_S + 20) * 1000 });
    await expect(page.getByTestId('course-row').filter({ hasText: brokenTitle }).getByTestId('state-badge')).toHaveText(
      en['state.3'],
    );
    await page.goto(`/courses/${bare}`);
    await expect(page.getByTestId('state-badge')).toHaveAttribute('data-playback', 'none');
    await expect(page.getByTestId('no-recording-note')).toBeVisible();
    await page.goto(`/courses/${bare}/playback`);
    await expect(page.getByTestId('attendance-row').filter({ hasText: student })).toBeVisible();
    await expect(page.getByTestId('no-recording-note')).toHaveText(en['course.noRecordingNote']);
    await expect(page.getByTestId('publish-toggle')).toHaveCount(0);
    // The service refuses too: publishing through the API is a clear error, nothing changes.
    const refused = await page.request.post('/api/trpc/playback.setPublished', {
      headers: { 'content-type': 'application/json', 'x-console-csrf': '1' },
      data: { roomnum: bare, published: true },
    });
    expect(refused.status()).toBe(412);
    expect(JSON.stringify(await refused.json())).toContain('NO_RECORDING');
  });

  await test.step('a recording whose file is missing shows an error and a retry that tries again', async () => {
    await page.goto(`/courses/${broken}/playback`);
    const error = page.getByTestId('video-error');
    await expect(error).toBeVisible();
    await expect(error).toHaveAttribute('data-problem', 'load');
    await expect(error).toContainText(en['playback.videoError']);
    const again = page.waitForRequest((r) => r.url() === missingUrl);
    await page.getByTestId('video-retry').click();
    await again;
    await expect(error).toBeVisible();
    await expect(page.getByTestId('publish-toggle')).toBeVisible();
  });

  await test.step('events outside the recording are greyed; clicking one says there is no video', async () => {
    const start = page.locator('[data-testid="timeline-item"][data-kind="start"]');
    const join = page.locator('[data-testid="timeline-item"][data-kind="join"]', { hasText: student });
    await expect(start).toHaveAttribute('data-covered', 'true');
    await expect(join).toHaveAttribute('data-covered', 'false');
    await expect(join).toContainText(en['timeline.noVideo']);
    await join.click();
    await expect(page.getByTestId('no-video-notice')).toContainText(prefix(en['playback.noVideoHere']));
    await start.click();
    await expect(page.getByTestId('no-video-notice')).toHaveText('');
    await expectNoSeriousAxe(page, 'playback-video-error');
  });
});

test('the roster counts the teacher apart, lists comings and goings, and shows honest heartbeat ages', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const api = new LegacyClient(request);
  const teacher = uniqueId('rost');
  const token = await api.account(teacher, 'rost-pass', 1);
  const s1 = uniqueId('ra');
  const s2 = uniqueId('rb');
  const t1 = await api.account(s1, 'rost-pass', 0);
  const t2 = await api.account(s2, 'rost-pass', 0);
  const roomnum = (await api.ok<{ roomnum: number }>('live/create', { token, title: `Roster ${uniqueId('r')}` }))
    .roomnum;
  await loginInUi(page, teacher, 'rost-pass');
  await page.goto(`/courses/${roomnum}`);
  await page.getByTestId('start-course').click();
  await page.getByTestId('start-course-confirm').click();
  await expect(page.getByTestId('roster-table')).toBeVisible();

  await api.ok('live/reportmemid', { token: t1, roomnum, operate: 0 });
  await api.ok('live/reportmemid', { token: t2, roomnum, operate: 0 });
  const counts = page.getByTestId('roster-counts');
  await expect(counts).toHaveAttribute('data-students', '2');
  await expect(counts).toHaveAttribute('data-teachers', '1');
  await expect(counts).toContainText(
    `${en['roster.teachers'].replace('{n}', '1')} · ${en['roster.studentsMany'].replace('{n}', '2')}`,
  );

  await api.ok('live/reportmemid', { token: t2, roomnum, operate: 1 });
  const feed = page.getByTestId('feed-item');
  await expect(feed.first()).toHaveAttribute('data-kind', 'leave');
  await expect(feed.first()).toHaveAttribute('data-uid', s2);
  await expect(feed.first()).toContainText(en['roster.feedLeave'].replace('{uid}', s2));
  await expect(feed).toHaveCount(4); // teacher joined, s1 joined, s2 joined, s2 left — newest first
  expect(
    await feed.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-uid')}`)),
  ).toEqual([`leave:${s2}`, `join:${s2}`, `join:${s1}`, `join:${teacher}`]);
  await expect(counts).toHaveAttribute('data-students', '1');

  // Ages are ranges that state the storage granularity, never a falsely exact "n s ago".
  await api.ok('live/heartbeat', { token: t1, roomnum: String(roomnum) });
  const age = page.locator(`[data-testid="roster-row"][data-uid="${s1}"] [data-testid="heartbeat-age"]`);
  const under = new RegExp(`^${prefix(en['roster.ageUnder'])}\\d+`);
  const range = /^\d+–\d+ s ago$/;
  await expect(age).toHaveText(new RegExp(`${under.source}|${range.source}`));
  await page.waitForTimeout(3_000);
  await expect(age).toHaveText(range);
  await expectNoSeriousAxe(page, 'course-live-roster');
});
