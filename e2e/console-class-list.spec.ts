/**
 * Issue 8: the class list (add by id, CSV upload with per-line results), the attendance matrix and its CSV export,
 * a student's history, and inviting students (QR code and link on the course page, the link opened by a logged-out
 * student who logs in and lands on the course). Screenshots and axe checks of each new page at both sizes.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { capturePage } from './helpers/capture';
import { en, loginInUi } from './helpers/console';
import { LegacyClient, uniqueId } from './helpers/legacy';

test('class list by id and CSV, the attendance matrix, its CSV export and a student history', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const api = new LegacyClient(request);
  const teacher = uniqueId('clt');
  const tok = await api.account(teacher, 'cl-pass', 1);
  const [s1, s2, s3] = [uniqueId('cla'), uniqueId('clb'), uniqueId('clc')];
  const s1tok = await api.account(s1, 'cl-pass', 0);
  await api.account(s2, 'cl-pass', 0);
  await api.account(s3, 'cl-pass', 0);
  const { roomnum } = await api.ok<{ roomnum: number }>('live/create', { token: tok, title: 'Matrix lesson' });
  await api.ok('live/startcourse', { token: tok, roomnum });
  await api.ok('live/reportmemid', { token: s1tok, roomnum, operate: 0 });
  await api.ok('live/exitroom', { token: tok, roomnum });

  await loginInUi(page, teacher, 'cl-pass');
  await page.getByRole('navigation', { name: en['nav.label'] }).getByRole('link', { name: en['nav.students'] }).click();
  await expect(page.locator('main h1')).toHaveText(en['classList.title']);

  // By id: a student, then an unknown id and a teacher's id, each with a clear result.
  await page.getByLabel(en['classList.addLabel']).fill(s1);
  await page.getByTestId('class-add').click();
  await expect(page.getByTestId('class-results').locator('[data-result="added"]')).toHaveText(
    en['classList.result.added'],
  );
  await expect(page.getByTestId('class-list')).toContainText(s1);
  await page.getByLabel(en['classList.addLabel']).fill('no-such-student');
  await page.getByTestId('class-add').click();
  await expect(page.getByTestId('class-results').locator('[data-result="unknown"]')).toHaveText(
    en['classList.result.unknown'],
  );

  // By CSV: BOM, a header with an id column, one repeat, one unknown.
  await page.getByTestId('class-import').setInputFiles({
    name: 'class.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`\uFEFFname,id\r\nB,${s2}\r\nC,${s3}\r\nA,${s1}\r\nX,ghost-id\r\n`, 'utf8'),
  });
  const results = page.getByTestId('class-results');
  await expect(results.locator('tbody tr')).toHaveCount(4);
  await expect(results.locator('tbody tr').nth(0)).toContainText(`2${s2}${en['classList.result.added']}`);
  await expect(results.locator('tbody tr').nth(2)).toContainText(en['classList.result.listed']);
  await expect(results.locator('tbody tr').nth(3)).toContainText(en['classList.result.unknown']);
  await expect(page.getByTestId('class-list').locator('li')).toHaveCount(3);

  // The matrix: s1 attended, the others are absent; the legend says it in words.
  const matrix = page.getByTestId('attendance-matrix');
  await expect(matrix.locator('thead')).toContainText('Matrix lesson');
  await expect(page.getByTestId(`matrix-row-${s1}`).locator('td').first()).toHaveAttribute('data-status', 'present');
  await expect(page.getByTestId(`matrix-row-${s2}`).locator('td').first()).toHaveText(en['matrix.absent']);
  await expect(page.locator('.att-legend')).toContainText(en['matrix.late.desc']);

  await capturePage(page, testInfo, 'students', async () => {
    await expect(matrix).toBeVisible();
    await expect(page.getByText(en['common.loading'])).toHaveCount(0);
  });
  // On a phone the matrix scrolls sideways and keeps the student column in place.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(
    await page
      .getByTestId(`matrix-row-${s1}`)
      .locator('th')
      .evaluate((el) => getComputedStyle(el).position),
  ).toBe('sticky');
  expect(await page.locator('.matrix-wrap').evaluate((el) => getComputedStyle(el).overflowX)).toBe('auto');
  await page.setViewportSize({ width: 1280, height: 800 });

  // CSV export of the same range.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('matrix-csv').click()]);
  expect(download.suggestedFilename()).toBe('attendance-matrix.csv');
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
  expect(lines[0]).toMatch(new RegExp(`^${en['classList.student']},"Matrix lesson #${roomnum} .+"$`)); // the date has a comma: quoted
  expect(lines).toContain(`${s2},${en['matrix.absent']} (0.0)`);
  expect(lines.find((l) => l.startsWith(`${s1},`))).toMatch(new RegExp(`^${s1},${en['matrix.present']} \\(`));

  // A reversed range is explained, not a blank page.
  await page.getByTestId('range-from').fill('2030-01-10');
  await page.getByTestId('range-to').fill('2030-01-01');
  await page.getByTestId('range-apply').click();
  await expect(page.getByTestId('range-swapped')).toContainText(en['matrix.swapped']);

  // One student's history.
  await page.goto('/students');
  await page.getByTestId(`matrix-row-${s1}`).getByRole('link', { name: s1 }).click();
  await expect(page).toHaveURL(new RegExp(`/students/${s1}$`));
  await capturePage(page, testInfo, 'student-history', async () => {
    await expect(page.locator('main h1')).toHaveText(en['history.title'].replace('{uid}', s1));
    await expect(page.getByTestId('student-history').locator('tbody tr')).toHaveCount(1);
  });
  await expect(page.getByTestId('student-history')).toContainText('Matrix lesson');

  // Removing takes a student off the list.
  await page.goto('/students');
  await page.getByRole('button', { name: en['classList.removeLabel'].replace('{uid}', s3) }).click();
  await expect(page.getByTestId('class-list').locator('li')).toHaveCount(2);
});

test('the invite panel shows a QR code and the link; a logged-out student who opens it logs in and lands on the course', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  const api = new LegacyClient(page.request);
  const teacher = uniqueId('inv');
  const tok = await api.account(teacher, 'inv-pass', 1);
  const student = uniqueId('invs');
  await api.account(student, 'inv-pass', 0);
  const { roomnum } = await api.ok<{ roomnum: number }>('live/create', { token: tok, title: 'Invite me' });

  await loginInUi(page, teacher, 'inv-pass');
  await page.goto(`/courses/${roomnum}`);
  const qrRequests: string[] = [];
  page.on('request', (r) => r.url().includes('/_next/static/') && qrRequests.push(r.url()));
  await page.getByTestId('invite-open').click();
  const qr = page.getByTestId('invite-qr');
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('aria-label', en['invite.qrLabel'].replace('{url}', `${baseURL}/class/${roomnum}`));
  // The canvas was drawn on (not blank): the QR library arrived with the panel, in a chunk of its own.
  await expect.poll(() => qr.evaluate((c: HTMLCanvasElement) => c.toDataURL().length)).toBeGreaterThan(1000);
  expect(qrRequests.length).toBeGreaterThan(0);
  const link = page.getByTestId('invite-link');
  await expect(link).toHaveText(`${baseURL}/class/${roomnum}`);
  await capturePage(page, testInfo, 'course-invite', async () => {
    await expect(qr).toBeVisible();
  });

  // A student with no session opens the link: login, then back to the course page.
  const ctx = await browser.newContext({ baseURL });
  const sp = await ctx.newPage();
  await sp.goto(`${baseURL}/class/${roomnum}`);
  await expect(sp).toHaveURL(new RegExp(`/login\\?next=%2Fclass%2F${roomnum}$`));
  await sp.locator('#auth-id').fill(student);
  await sp.locator('#auth-pwd').fill('inv-pass');
  await sp.getByTestId('auth-submit').click();
  await expect(sp).toHaveURL(new RegExp(`/class/${roomnum}$`));
  await expect(sp.getByTestId('class-title')).toHaveText('Invite me');
  await expect(sp.getByTestId('class-room')).toHaveText(en['classPage.room'].replace('{roomnum}', String(roomnum)));
  await expect(sp.getByTestId('class-next-step')).toHaveText(
    en['classPage.joinDraft'].replace('{roomnum}', String(roomnum)),
  );
  await capturePage(sp, testInfo, 'class-page', async () => {
    await expect(sp.getByTestId('class-title')).toBeVisible();
  });
  // An outside `next` is ignored.
  await sp.goto('/login?next=https://evil.example/');
  await expect(sp).toHaveURL(/\/student$/);
  await ctx.close();
});
