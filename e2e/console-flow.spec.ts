/**
 * The teacher's whole journey through the console, in the browser: register → log in → create a course → upload
 * courseware (the progress bar reaches 100 %) → start → a student joins from the app (legacy API) and shows up in the
 * roster without a reload → end (confirmed) → Tencent's recording callback → the index job makes the replay ready →
 * the playback page plays the recording and the timeline seeks it. Only what a phone or Tencent does goes through
 * the legacy door; the uploaded courseware clip doubles as the recording's video file in storage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { en, loginInUi, logoutInUi, registerInUi } from './helpers/console';
import { b64, LegacyClient, nowS, uniqueId } from './helpers/legacy';

const CLIP = path.join(__dirname, 'fixtures', 'demo-clip.mp4');
const CLIP_NAME = 'demo-clip.mp4';
const CLIP_S = 12;
/** The recording starts this long before the student joins, so clicking the join event seeks well into the clip. */
const JOIN_OFFSET_S = 8;

const currentTime = (video: Locator) => video.evaluate((v: HTMLVideoElement) => v.currentTime);

test('teacher journey: course, courseware, live roster, end, recording, playback seek', async ({ page, request }) => {
  test.setTimeout(150_000);
  const api = new LegacyClient(request);
  const teacher = uniqueId('teacher');
  const password = `pw-${uniqueId('p')}`;
  const title = `Algebra ${uniqueId('c')}`;
  let roomnum = 0;
  let clipUrl = '';
  let student = '';
  let joinedAt = 0;

  await test.step('register, log out, log in', async () => {
    await registerInUi(page, teacher, password);
    await logoutInUi(page);
    await loginInUi(page, teacher, password);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['dash.title']);
  });

  await test.step('create a course', async () => {
    await page.getByRole('link', { name: en['nav.courses'] }).click();
    await page.getByTestId('new-course').click();
    await expect(page).toHaveURL(/\/courses\/new$/);
    await page.getByTestId('course-title-input').fill(title);
    await page.getByTestId('course-save').click();
    await expect(page).toHaveURL(/\/courses\/\d+$/);
    roomnum = Number(new URL(page.url()).pathname.split('/').pop());
    await expect(page.getByTestId('course-title')).toHaveText(title);
    await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '0');
  });

  await test.step('upload courseware with the picker: progress reaches 100 %, the file is listed', async () => {
    const files = page.locator('section[aria-labelledby="files-h"]');
    await files.getByTestId('file-input').setInputFiles(CLIP);
    const item = files.getByTestId('upload-item').filter({ hasText: CLIP_NAME });
    const bar = item.getByTestId('upload-progress');
    await expect
      .poll(() => bar.evaluate((p: HTMLProgressElement) => ({ value: p.value, max: p.max })))
      .toEqual({ value: 100, max: 100 });
    await expect(item).toHaveAttribute('data-status', 'done');
    const row = files.getByTestId('file-row').filter({ hasText: CLIP_NAME });
    await expect(row).toBeVisible();
    clipUrl = (await row.getByRole('link', { name: CLIP_NAME }).getAttribute('href')) ?? '';
    expect(clipUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/storage\/.+\.mp4$/);
    // The bytes really are in storage, whole.
    const stored = await request.get(clipUrl);
    expect(stored.status()).toBe(200);
    expect((await stored.body()).equals(fs.readFileSync(CLIP))).toBe(true);
  });

  await test.step('the file bound in the console is the file the app sees (live/querybind)', async () => {
    const token = (await api.ok<{ token: string }>('account/login', { id: teacher, pwd: b64(password) })).token;
    const bound = await api.ok<Record<string, unknown>>('live/querybind', { token, roomnum, index: 0, size: 50 });
    expect(JSON.stringify(bound)).toContain(clipUrl);
  });

  await test.step('start the course (after confirming: a class starts once)', async () => {
    await page.getByTestId('start-course').click();
    await page.getByTestId('start-course-confirm').click();
    await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '1');
    await expect(page.getByTestId('roster-table')).toBeVisible();
  });

  await test.step('a student joins from the app and appears in the roster without a reload', async () => {
    student = uniqueId('student');
    const studentToken = await api.account(student, `pw-${student}`, 0);
    const before = Number(await page.getByTestId('roster-count').textContent());
    // A marker on this document: it survives only if the page is not reloaded or navigated.
    await page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-document', 'yes'));
    await api.ok('live/reportmemid', { token: studentToken, roomnum, operate: 0 });
    joinedAt = nowS();
    const row = page.locator(`[data-testid="roster-row"][data-uid="${student}"]`);
    await expect(row).toBeVisible({ timeout: 3_000 });
    await expect(row).toContainText(en['role.student']);
    await expect(page.getByTestId('roster-count')).toHaveText(String(before + 1));
    await expect(page.locator('html')).toHaveAttribute('data-e2e-same-document', 'yes');
    await api.ok('live/heartbeat', { token: studentToken, roomnum: String(roomnum) });
  });

  await test.step('end the course after confirming', async () => {
    await page.getByTestId('end-course').click();
    const dialog = page.getByTestId('end-course-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(en['course.endTitle']);
    await dialog.getByTestId('end-course-confirm').click();
    await expect(dialog).toBeHidden();
    // Ended (2), or already replay-ready (3) if the scheduler built the index in the meantime.
    await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', /^[23]$/);
    await expect(page.getByTestId('playback-link')).toBeVisible();
  });

  const recStart = joinedAt - JOIN_OFFSET_S;

  await test.step('Tencent reports the recording (event 100)', async () => {
    const res = await api.recordingReady({
      roomnum,
      host: teacher,
      videoUrl: clipUrl,
      start: recStart,
      durationS: CLIP_S,
      fileSize: fs.statSync(CLIP).size,
    });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ code: 0 });
  });

  await test.step('the index job runs: replay ready', async () => {
    await page.getByTestId('playback-link').click();
    await expect(page).toHaveURL(new RegExp(`/courses/${roomnum}/playback$`));
    // The page looks again by itself while the index is pending.
    await expect(page.getByTestId('index-status')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    await page.reload();
    const badge = page.getByTestId('state-badge').first();
    await expect(badge).toHaveAttribute('data-state', '3');
    await expect(badge).toHaveText(en['state.3']);
    const token = (await api.ok<{ token: string }>('account/login', { id: teacher, pwd: b64(password) })).token;
    const list = await api.ok<{ rooms: { state: number; playback_idx_url: string }[] }>('live/roomlist', {
      token,
      index: 0,
      size: 10,
      roomnum,
    });
    expect(list.rooms[0]?.state).toBe(3);
    expect(list.rooms[0]?.playback_idx_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/storage\/playback\//);
  });

  await test.step('the recording plays in the <video>', async () => {
    const video = page.getByTestId('playback-video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentSrc)).toBe(clipUrl);
    await video.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true; // autoplay policy: a muted video may play without a gesture
      await v.play();
    });
    await expect.poll(() => currentTime(video), { timeout: 10_000 }).toBeGreaterThan(0.5);
    expect(await video.evaluate((v: HTMLVideoElement) => (v.error ? v.error.code : null))).toBeNull();
    await video.evaluate((v: HTMLVideoElement) => v.pause());
  });

  await test.step('clicking a timeline event seeks the video to that moment', async () => {
    const video = page.getByTestId('playback-video');
    const before = await currentTime(video);
    const join = page.locator('[data-testid="timeline-item"][data-kind="join"]', { hasText: student });
    await expect(join).toHaveCount(1);
    const at = Number(await join.getAttribute('data-at'));
    const expected = at - recStart;
    expect(expected).toBeGreaterThan(before + 3);
    expect(expected).toBeLessThan(CLIP_S);
    await join.click();
    await expect(join).toHaveAttribute('aria-current', 'true');
    await expect.poll(() => currentTime(video), { timeout: 5_000 }).toBeGreaterThanOrEqual(expected - 0.3);
    expect(await currentTime(video)).toBeLessThan(expected + 2.5);
    // And it keeps playing from there.
    const landed = await currentTime(video);
    await expect.poll(() => currentTime(video), { timeout: 5_000 }).toBeGreaterThan(landed + 0.3);
    expect(await video.evaluate((v: HTMLVideoElement) => (v.error ? v.error.code : null))).toBeNull();
  });

  await test.step('attendance lists the student', async () => {
    await expect(page.getByTestId('attendance-row').filter({ hasText: student })).toBeVisible();
  });
});
