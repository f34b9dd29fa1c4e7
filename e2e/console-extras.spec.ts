/**
 * The console's edges, each test with its own accounts: language (Accept-Language default, the switcher, persistence),
 * a wrong password, the register form's password rule (hint, refused before sending), another teacher's course id (not found, nothing of it shown), a student's polite page, and the
 * attendance CSV download (UTF-8 with BOM so Excel opens Chinese names).
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { en, loginInUi, zhCN } from './helpers/console';
import { LegacyClient, uniqueId } from './helpers/legacy';

test.describe('language from Accept-Language', () => {
  test.use({ locale: 'zh-CN' });

  test('a browser asking for zh-CN gets Chinese by default', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(zhCN['auth.loginTitle']);
    await expect(page.getByTestId('auth-submit')).toHaveText(zhCN['auth.login']);
    await expect(page).toHaveTitle(zhCN['app.title']);
  });
});

test('the language switcher changes the visible strings, and the choice survives a reload', async ({
  page,
  request,
}) => {
  const api = new LegacyClient(request);
  const id = uniqueId('lang');
  await api.account(id, 'lang-pass', 1);
  await loginInUi(page, id, 'lang-pass');
  const nav = page.getByRole('navigation', { name: en['nav.label'] });
  await expect(nav.getByRole('link', { name: en['nav.courses'] })).toBeVisible();

  await page.getByTestId('language-switcher').selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(
    page.getByRole('navigation', { name: zhCN['nav.label'] }).getByRole('link', { name: zhCN['nav.courses'] }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(zhCN['dash.title']);
  await expect(page.getByTestId('logout')).toHaveText(zhCN['nav.logout']);

  await page.reload();
  await expect(page.getByTestId('logout')).toHaveText(zhCN['nav.logout']);
  await expect(page.getByTestId('language-switcher')).toHaveValue('zh-CN');

  // Another page, same choice; then back to English, which persists too.
  await page.goto('/courses');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(zhCN['courses.title']);
  await page.getByTestId('language-switcher').selectOption('en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['courses.title']);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['courses.title']);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('a wrong password shows the error message and stays on the login page', async ({ page, request }) => {
  const api = new LegacyClient(request);
  const id = uniqueId('wrongpw');
  await api.account(id, 'the-right-one', 1);
  await page.goto('/login');
  await page.locator('#auth-id').fill(id);
  await page.locator('#auth-pwd').fill('not-the-right-one');
  await page.getByTestId('auth-submit').click();
  await expect(page.getByTestId('error-message')).toHaveText(en['error.WRONG_PASSWORD']);
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('current-user')).toHaveCount(0);
});

test('the register form shows the 8-character rule and refuses a shorter password before sending it', async ({
  page,
}) => {
  const id = uniqueId('shortpw');
  let registerCalls = 0;
  page.on('request', (r) => {
    if (r.url().includes('auth.register')) registerCalls++;
  });
  await page.goto('/register');
  await expect(page.locator('#auth-pwd-hint')).toHaveText(en['auth.passwordHint'].replace('{min}', '8'));
  await page.locator('#auth-id').fill(id);
  await page.locator('#auth-pwd').fill('七个汉字密码码');
  await page.locator('#auth-pwd2').fill('七个汉字密码码');
  await page.getByTestId('auth-submit').click();
  await expect(page.getByTestId('error-message')).toHaveText(en['auth.passwordTooShort'].replace('{min}', '8'));
  await expect(page).toHaveURL(/\/register$/);
  expect(registerCalls).toBe(0);
  // Eight characters (CJK counts one each) are enough.
  await page.locator('#auth-pwd').fill('八个汉字的好密码');
  await page.locator('#auth-pwd2').fill('八个汉字的好密码');
  await page.getByTestId('auth-submit').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('current-user')).toContainText(id);
});

test("another teacher's course id is not found, and nothing of it is shown", async ({ page, request }) => {
  const api = new LegacyClient(request);
  const owner = uniqueId('owner');
  const ownerToken = await api.account(owner, 'owner-pass', 1);
  const secret = `Secret plan ${uniqueId('x')}`;
  const { roomnum } = await api.ok<{ roomnum: number }>('live/create', { token: ownerToken, title: secret });
  await api.ok('live/startcourse', { token: ownerToken, roomnum });
  await api.ok('live/exitroom', { token: ownerToken, roomnum });

  const other = uniqueId('other');
  await api.account(other, 'other-pass', 1);
  await loginInUi(page, other, 'other-pass');

  await page.goto(`/courses/${roomnum}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['course.notFoundTitle']);
  await expect(page.getByTestId('error-message')).toHaveText(en['error.ROOM_NOT_FOUND']);
  await expect(page.locator('body')).not.toContainText(secret);
  await expect(page.locator('body')).not.toContainText(owner);

  await page.goto(`/courses/${roomnum}/playback`);
  await expect(page.getByTestId('error-message')).toHaveText(en['error.ROOM_NOT_FOUND']);
  await expect(page.locator('body')).not.toContainText(secret);

  // Nor through the CSV route, nor in the list.
  const csv = await page.request.get(`/api/courses/${roomnum}/attendance.csv`);
  expect(csv.status()).toBe(404);
  expect(await csv.text()).not.toContain(secret);
  await page.goto('/courses');
  await expect(page.getByTestId('course-table')).toBeVisible();
  await expect(page.getByText(en['courses.empty'])).toBeVisible();
  await expect(page.locator('body')).not.toContainText(secret);
});

test('a student who logs in sees the polite page, not the console', async ({ page, request }) => {
  const api = new LegacyClient(request);
  const id = uniqueId('pupil');
  await api.account(id, 'pupil-pass', 0);
  await loginInUi(page, id, 'pupil-pass', '/student');
  await expect(page.getByTestId('student-notice')).toHaveText(en['student.notice']);
  await expect(page.getByText(en['student.none'])).toBeVisible();
  await expect(page.getByRole('navigation', { name: en['nav.label'] })).toHaveCount(0);
  await page.goto('/courses');
  await expect(page).toHaveURL(/\/student$/);
});

test('the attendance CSV download starts with the UTF-8 BOM', async ({ page, request }) => {
  const api = new LegacyClient(request);
  const teacher = uniqueId('csvt');
  const teacherToken = await api.account(teacher, 'csv-pass', 1);
  const student = uniqueId('csvs');
  const studentToken = await api.account(student, 'csv-pass', 0);
  const { roomnum } = await api.ok<{ roomnum: number }>('live/create', { token: teacherToken, title: '语文 第一课' });
  await api.ok('live/startcourse', { token: teacherToken, roomnum });
  await api.ok('live/reportmemid', { token: studentToken, roomnum, operate: 0 });
  await api.ok('live/exitroom', { token: teacherToken, roomnum });

  await loginInUi(page, teacher, 'csv-pass');
  await page.goto(`/courses/${roomnum}/playback`);
  await expect(page.getByTestId('attendance-row').filter({ hasText: student })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attendance-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  expect(text.split(/\r?\n/)[0]).toContain(en['attendance.member']);
  expect(text).toContain(student);
  expect(text).toContain(teacher);
});
