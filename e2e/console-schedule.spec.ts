/**
 * Scheduling, the week calendar and passwords in the console: a course planned through the form appears on the
 * dashboard's "Scheduled" list and in this week's calendar (and not in next week's); the list sorts by planned start;
 * a teacher changes the password and logs in with the new one; a forgotten password is reset with the code
 * `npm run reset-password` prints (run against the e2e server's database). Screenshots and axe checks of every new
 * page at 1280×800 and 390×844. Recordings in playback review: a poster frame drawn in the browser, a download link
 * answered as an attachment, delete behind a confirmation.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { capturePage } from './helpers/capture';
import { demoData } from './helpers/demo';
import { en, loginInUi, logoutInUi, registerInUi } from './helpers/console';
import { LegacyClient, uniqueId } from './helpers/legacy';
import { E2E_BASE, e2eServerEnv } from './helpers/server-env';

/** A `datetime-local` value two hours from now (local time), on a whole 5 minutes. */
function inTwoHours(): { value: string; date: Date } {
  const d = new Date(Date.now() + 2 * 3600_000);
  d.setMinutes(d.getMinutes() - (d.getMinutes() % 5), 0, 0);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    value: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`,
    date: d,
  };
}

function settled(page: Page, heading: string) {
  return async () => {
    await expect(page.locator('main h1').first()).toHaveText(heading);
    await expect(page.getByText(en['common.loading'])).toHaveCount(0);
  };
}

test('plan a course: dashboard Scheduled, sorted list, week calendar with navigation', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await registerInUi(page, 'planner1', 'planner-pass');
  const when = inTwoHours();
  await page.goto('/courses/new');
  await page.getByTestId('course-title-input').fill('Planned algebra');
  await page.getByTestId('course-planned-input').fill(when.value);
  await page.getByTestId('course-minutes-input').fill('45');
  await page.getByTestId('course-save').click();
  await expect(page).toHaveURL(/\/courses\/\d+$/);
  await page.goto('/courses/new');
  await page.getByTestId('course-title-input').fill('Unplanned draft');
  await page.getByTestId('course-save').click();
  await expect(page).toHaveURL(/\/courses\/\d+$/);

  await page.goto('/');
  await expect(page.getByTestId('dash-scheduled').getByRole('link', { name: 'Planned algebra' })).toBeVisible();
  await expect(page.getByTestId('dash-scheduled').getByRole('link', { name: 'Unplanned draft' })).toHaveCount(0);

  await page.goto('/courses');
  await page.getByTestId('course-sort').selectOption('planned');
  await expect(page.getByTestId('course-row').first()).toContainText('Planned algebra');
  await capturePage(page, testInfo, 'courses-sorted-planned', settled(page, en['courses.title']));

  await page.getByRole('link', { name: en['nav.calendar'] }).click();
  await expect(page).toHaveURL(/\/calendar$/);
  const entry = page.getByTestId('cal-entry').filter({ hasText: 'Planned algebra' });
  await expect(entry).toHaveCount(1);
  await expect(page.getByTestId('cal-day')).toHaveCount(7);
  // Placed on its own day (the browser's local date), with its length.
  const dayIndex = (when.date.getDay() + 6) % 7;
  // Two hours from now may already be next week (Sunday night): then go forward first.
  const todayIndex = (new Date().getDay() + 6) % 7;
  if (dayIndex < todayIndex) await page.getByTestId('cal-next').click();
  await expect(page.getByTestId('cal-day').nth(dayIndex).getByTestId('cal-entry')).toContainText('45 min');
  await capturePage(page, testInfo, 'calendar', settled(page, en['cal.title']));
  await page.getByTestId('cal-next').click();
  await expect(page.getByTestId('cal-entry').filter({ hasText: 'Planned algebra' })).toHaveCount(0);
  await page.getByTestId('cal-prev').click();
  await expect(page.getByTestId('cal-entry').filter({ hasText: 'Planned algebra' })).toHaveCount(1);
  await entry.getByRole('link').click();
  await expect(page).toHaveURL(/\/courses\/\d+$/);
});

test('change password, then log in with the new one only', async ({ page }, testInfo) => {
  await registerInUi(page, 'changer1', 'first-pass');
  await page.getByRole('link', { name: en['nav.password'] }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await capturePage(page, testInfo, 'change-password', settled(page, en['pwd.title']));
  await page.locator('#pwd-current').fill('first-pass');
  await page.locator('#pwd-new').fill('short');
  await page.locator('#pwd-again').fill('short');
  await page.getByTestId('pwd-save').click();
  // The browser's own minLength check or ours: either way nothing is sent and no success shows.
  await expect(page.getByTestId('pwd-done')).toHaveCount(0);
  await page.locator('#pwd-new').fill('second-pass');
  await page.locator('#pwd-again').fill('second-pass');
  await page.getByTestId('pwd-save').click();
  await expect(page.getByTestId('pwd-done')).toBeVisible();
  // This session stays signed in.
  await page.reload();
  await expect(page.getByTestId('current-user')).toContainText('changer1');
  await logoutInUi(page);

  await page.locator('#auth-id').fill('changer1');
  await page.locator('#auth-pwd').fill('first-pass');
  await page.getByTestId('auth-submit').click();
  await expect(page.getByTestId('error-message')).toBeVisible();
  await loginInUi(page, 'changer1', 'second-pass');
});

test('forgot password: reset with the code printed by npm run reset-password', async ({ page }, testInfo) => {
  await registerInUi(page, 'forgetful1', 'lost-pass-1');
  await logoutInUi(page);
  const out = execFileSync(
    path.join(process.cwd(), 'node_modules', '.bin', 'tsx'),
    ['server/scripts/reset-password.ts', 'forgetful1'],
    {
      env: { ...process.env, ...e2eServerEnv() },
      encoding: 'utf8',
    },
  );
  const code = /Reset code for forgetful1: ([A-Z0-9-]+)/.exec(out)?.[1];
  expect(code).toBeTruthy();

  await page.getByTestId('forgot-password').click();
  await expect(page).toHaveURL(/\/reset-password$/);
  await capturePage(page, testInfo, 'reset-password', settled(page, en['reset.title']));
  await page.locator('#reset-id').fill('forgetful1');
  await page.locator('#reset-code').fill('WRON-GCOD-EWRO-NGXX');
  await page.locator('#reset-pwd').fill('found-pass-2');
  await page.locator('#reset-pwd2').fill('found-pass-2');
  await page.getByTestId('reset-submit').click();
  await expect(page.getByTestId('error-message')).toBeVisible();
  await page.locator('#reset-code').fill(code!.toLowerCase());
  await page.getByTestId('reset-submit').click();
  await expect(page.getByTestId('reset-done')).toBeVisible();
  await loginInUi(page, 'forgetful1', 'found-pass-2');
});

test('recordings: poster frame, download as attachment, delete with confirmation', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const api = new LegacyClient(request);
  const teacher = uniqueId('rect');
  const token = await api.account(teacher, 'rec-teacher-pass', 1);
  const { roomnum } = await api.ok<{ roomnum: number }>('live/create', { token, title: 'Recorded lesson' });
  await api.ok('live/startcourse', { token, roomnum });
  await api.ok('live/exitroom', { token, roomnum });
  // The demo's clip in this server's storage stands in for the recorded video (shared with the demo's own recording).
  // Its key has a random segment (issue 7): read it from the demo's recording row in the e2e database.
  const clipUrl = `${E2E_BASE}/storage/${demoClipKey()}`;
  const start = Math.floor(Date.now() / 1000) - 60;
  const res = await api.recordingReady({ roomnum, host: teacher, videoUrl: clipUrl, start, durationS: 10 });
  expect(await res.json()).toEqual({ code: 0 });

  await loginInUi(page, teacher, 'rec-teacher-pass');
  await page.goto(`/courses/${roomnum}/playback`);
  const row = page.getByTestId('recording-row');
  await expect(row).toHaveCount(1);
  // The poster is drawn in the browser from the video's first frame.
  await expect(row.getByTestId('recording-poster')).toHaveAttribute('src', /^data:image\/jpeg;base64,/, {
    timeout: 20_000,
  });
  const link = row.getByTestId('recording-download');
  await expect(link).toHaveAttribute('download', '');
  const href = await link.getAttribute('href');
  expect(href).toBe(`${clipUrl}?download=1`);
  const dl = await request.get(href!);
  expect(dl.headers()['content-disposition']).toMatch(/^attachment; filename="lesson-1\.mp4"/);
  await capturePage(page, testInfo, 'playback-recordings', async () => {
    await expect(page.getByTestId('recording-poster')).toBeVisible();
  });

  await row.getByTestId('recording-delete').click();
  await expect(page.getByTestId('recording-delete-dialog')).toBeVisible();
  await page.getByTestId('recording-delete-confirm').click();
  await expect(page.getByTestId('recording-row')).toHaveCount(0);
  await expect(page.getByText(en['rec.none'])).toBeVisible();
  // The shared demo clip is still served (another recording uses it).
  expect((await request.get(clipUrl)).status()).toBe(200);
});

/** The storage key of the demo replay's recording (the committed fixture clip), as the seeder stored it. */
function demoClipKey(): string {
  const db = new Database(e2eServerEnv().DATABASE_URL!, { readonly: true });
  try {
    const row = db
      .prepare('SELECT video_url AS v FROM recordings WHERE roomnum = ? LIMIT 1')
      .get(demoData().replayRoomnum) as { v: string };
    return row.v.replace(/^storage:/, '');
  } finally {
    db.close();
  }
}
