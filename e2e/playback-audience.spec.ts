/**
 * Issue 17 item 6: publishing reaches the class list too. A class attended by one student; another, on the teacher's
 * class list, missed it; a third is on no list. The teacher picks "the whole class list" on the playback page (with
 * how many students each choice reaches), publishes, and sees the choice kept after a reload; the absent student
 * finds the replay on their page, through the invite link and on the watch page; the stranger never. Narrowed back
 * to attendees (applied at once), the absent student loses it. The card's labels in Chinese; screenshots and axe.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { capturePage } from './helpers/capture';
import { en, loginInUi, zhCN } from './helpers/console';
import { LegacyClient, nowS, uniqueId } from './helpers/legacy';
import { E2E_BASE } from './helpers/server-env';

const PASS = 'aud-pass';
const n = (s: string, count: number) => s.replace('{n}', String(count));

/** Logs `id` in a fresh browser context (its own cookies); the page. */
async function studentPage(browser: Browser, id: string): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: E2E_BASE });
  const page = await ctx.newPage();
  await loginInUi(page, id, PASS, '/student');
  return page;
}

test('publishing to the whole class list reaches an absent student; attendees only does not', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(150_000);
  const api = new LegacyClient(page.request);
  const teacher = uniqueId('audt');
  const tok = await api.account(teacher, PASS, 1);
  const [present, absent, stranger] = [uniqueId('auda'), uniqueId('audb'), uniqueId('audc')];
  const presentTok = await api.account(present, PASS, 0);
  await api.account(absent, PASS, 0);
  await api.account(stranger, PASS, 0);
  const title = `Audience ${uniqueId('c')}`;
  const { roomnum } = await api.ok<{ roomnum: number }>('live/create', { token: tok, title });
  await api.ok('live/startcourse', { token: tok, roomnum });
  await api.ok('live/reportmemid', { token: presentTok, roomnum, operate: 0 });
  await api.ok('live/exitroom', { token: tok, roomnum });
  const rec = await api.recordingReady({
    roomnum,
    host: teacher,
    videoUrl: `${E2E_BASE}/storage/missing/${uniqueId('clip')}.mp4`,
    start: nowS() - 60,
    durationS: 60,
  });
  expect(await rec.json()).toEqual({ code: 0 });

  await loginInUi(page, teacher, PASS);
  // The absent student goes on the class list (the class-list page has its own test).
  const added = await page.request.post('/api/trpc/classList.add', {
    headers: { 'content-type': 'application/json', 'x-console-csrf': '1' },
    data: { ids: [absent] },
  });
  expect(added.status()).toBe(200);

  await page.goto(`/courses/${roomnum}/playback`);
  const state = page.getByTestId('publish-state');
  const attendeesOnly = page.getByRole('radio', { name: n(en['publish.audience.attendees'], 1) });
  const wholeClass = page.getByRole('radio', { name: n(en['publish.audience.class'], 2) });
  const toggle = page.getByTestId('publish-toggle');

  await test.step('the teacher picks the whole class list and publishes', async () => {
    await expect(state).toHaveText(en['publish.isPrivate']);
    await expect(page.getByTestId('publish-audience').locator('legend')).toHaveText(en['publish.audienceLegend']);
    await expect(attendeesOnly).toBeChecked();
    await expect(toggle).toHaveText(en['publish.publish']);
    await wholeClass.check();
    await expect(toggle).toHaveText(en['publish.publishClass']);
    await toggle.click();
    const dialog = page.getByTestId('publish-toggle-dialog');
    await expect(dialog).toContainText(n(en['publish.publishClassBody'], 2));
    await page.getByTestId('publish-toggle-confirm').click();
    await expect(page.getByTestId('toast')).toHaveText(en['toast.publishedClass']);
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(state).toHaveText(en['publish.isPublishedClass']);
    // Stored, not only shown: a reload shows the same choice.
    await page.reload();
    await expect(state).toHaveAttribute('data-audience', 'class');
    await expect(wholeClass).toBeChecked();
    await capturePage(page, testInfo, 'playback-audience', async () => {
      await expect(state).toBeVisible();
    });
  });

  const absentPage = await studentPage(browser, absent);
  const strangerPage = await studentPage(browser, stranger);
  const replayCard = (p: Page) => p.getByTestId('replay-card').filter({ hasText: title });

  await test.step('the absent student finds it (their page, the invite link, the watch page); a stranger does not', async () => {
    await expect(replayCard(absentPage)).toBeVisible();
    await absentPage.goto(`/class/${roomnum}`);
    await expect(absentPage).toHaveURL(new RegExp(`/watch/${roomnum}$`));
    await expect(absentPage.locator('main h1')).toHaveText(en['playback.titleOf'].replace('{title}', title));

    await expect(strangerPage.getByTestId('student-notice')).toBeVisible();
    await expect(replayCard(strangerPage)).toHaveCount(0);
    await strangerPage.goto(`/watch/${roomnum}`);
    await expect(strangerPage.getByTestId('error-message')).toBeVisible();
  });

  await test.step('narrowed back to attendees (applied at once), the absent student loses it', async () => {
    await attendeesOnly.check();
    await expect(page.getByTestId('toast')).toHaveText(en['toast.published']);
    await expect(state).toHaveText(en['publish.isPublished']);
    await expect(state).toHaveAttribute('data-audience', 'attendees');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await absentPage.goto('/student');
    await expect(absentPage.getByTestId('student-notice')).toBeVisible();
    await expect(replayCard(absentPage)).toHaveCount(0);
    await absentPage.goto(`/watch/${roomnum}`);
    await expect(absentPage.getByTestId('error-message')).toBeVisible();
  });
  await absentPage.context().close();
  await strangerPage.context().close();

  await test.step('the card in Chinese', async () => {
    const zh = await browser.newContext({ baseURL: E2E_BASE, locale: 'zh-CN' });
    const zp = await zh.newPage();
    await zp.goto('/login');
    await zp.locator('#auth-id').fill(teacher);
    await zp.locator('#auth-pwd').fill(PASS);
    await zp.getByTestId('auth-submit').click();
    await expect(zp).toHaveURL(/\/$/);
    await zp.goto(`/courses/${roomnum}/playback`);
    await expect(zp.getByTestId('publish-audience').locator('legend')).toHaveText(zhCN['publish.audienceLegend']);
    await expect(zp.getByRole('radio', { name: n(zhCN['publish.audience.attendees'], 1) })).toBeChecked();
    await expect(zp.getByRole('radio', { name: n(zhCN['publish.audience.class'], 2) })).not.toBeChecked();
    await expect(zp.getByTestId('publish-state')).toHaveText(zhCN['publish.isPublished']);
    await capturePage(zp, testInfo, 'playback-audience-zh', async () => {
      await expect(zp.getByTestId('publish-state')).toBeVisible();
    });
    await zh.close();
  });
});
