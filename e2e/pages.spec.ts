/**
 * Every main page of the console over the demo data, at 1280×800 and 390×844: a screenshot of each (artifacts in
 * test-results/screenshots/) and an axe accessibility check that fails on any serious or critical violation.
 * Pages: login, register, dashboard, courses list, new course, a live course (roster), a draft course with its
 * courseware, the library, the playback review, and the student's page and replay; and the default language
 * (Simplified Chinese) on the pages with the most text, where CJK wrapping differs.
 */
import { expect, test, type Page } from '@playwright/test';
import { capturePage } from './helpers/capture';
import { en, loginInUi, zhCN } from './helpers/console';
import { demoData, type Demo } from './helpers/demo';

let demo: Demo;

test.beforeAll(() => {
  demo = demoData();
});

/** Waits until the page's main landmark holds its heading and no "Loading…" is left. */
function settled(page: Page, heading: string | RegExp) {
  return async () => {
    await expect(page.locator('main h1').first()).toHaveText(heading);
    await expect(page.getByText(en['common.loading'])).toHaveCount(0);
  };
}

test('logged-out pages: login and register', async ({ page }, testInfo) => {
  await page.goto('/login');
  await capturePage(page, testInfo, 'login', settled(page, en['auth.loginTitle']));
  await page.goto('/register');
  await capturePage(page, testInfo, 'register', settled(page, en['auth.registerTitle']));
});

test("teacher's pages: dashboard, courses, course (live and draft), library, playback", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await loginInUi(page, demo.teacher, demo.password);

  await capturePage(page, testInfo, 'dashboard', async () => {
    await settled(page, en['dash.title'])();
    await expect(page.locator('#dash-live ~ ul li').first()).toBeVisible();
  });

  await page.goto('/courses');
  await capturePage(page, testInfo, 'courses', async () => {
    await settled(page, en['courses.title'])();
    await expect(page.getByTestId('course-row').first()).toBeVisible();
  });

  await page.goto('/courses/new');
  await capturePage(page, testInfo, 'course-new', settled(page, en['course.newTitle']));

  await page.goto(`/courses/${demo.liveRoomnum}`);
  await capturePage(page, testInfo, 'course-live', async () => {
    await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '1');
    await expect(page.getByTestId('roster-row').first()).toBeVisible();
    await expect(page.getByTestId('file-row').first()).toBeVisible();
  });

  // A draft course, with its courseware and the PDF preview open.
  await page.goto('/courses');
  await page.getByTestId('state-tab-0').click();
  // The list keeps the previous page's rows until the filtered ones arrive: wait for drafts only.
  const rows = page.getByTestId('course-row');
  await expect(rows.locator('[data-testid="state-badge"]:not([data-state="0"])')).toHaveCount(0);
  await expect(rows.first()).toBeVisible();
  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/courses\/\d+$/);
  await expect(page.getByTestId('course-title')).toBeVisible();
  await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '0');
  await capturePage(page, testInfo, 'course-draft', async () => {
    await expect(page.getByTestId('start-course')).toBeVisible();
  });

  await page.goto('/library');
  await capturePage(page, testInfo, 'library', async () => {
    await settled(page, en['library.title'])();
    await expect(page.getByTestId('file-row').first()).toBeVisible();
  });

  await page.goto(`/courses/${demo.replayRoomnum}/playback`);
  await capturePage(page, testInfo, 'playback', async () => {
    await expect(page.getByTestId('index-status')).toHaveAttribute('data-status', 'ready');
    await expect(page.getByTestId('timeline-item').first()).toBeVisible();
    await expect(page.getByTestId('attendance-row').first()).toBeVisible();
    await expect
      .poll(() => page.getByTestId('playback-video').evaluate((v: HTMLVideoElement) => v.readyState))
      .toBeGreaterThanOrEqual(1);
  });
});

test("student's pages: the polite page and a published replay", async ({ page }, testInfo) => {
  await loginInUi(page, demo.student, demo.password, '/student');
  await capturePage(page, testInfo, 'student', async () => {
    await settled(page, en['student.title'])();
    await expect(page.getByRole('link', { name: /Fractions/ })).toBeVisible();
  });
  await page.getByRole('link', { name: /Fractions/ }).click();
  await expect(page).toHaveURL(new RegExp(`/watch/${demo.replayRoomnum}$`));
  await capturePage(page, testInfo, 'student-watch', async () => {
    await expect(page.getByTestId('playback-video')).toBeVisible();
    await expect(page.getByTestId('timeline-item').first()).toBeVisible();
  });
});

test.describe('in Chinese (the default language)', () => {
  test.use({ locale: 'zh-CN' });

  test('dashboard, live course and playback in zh-CN', async ({ page }, testInfo) => {
    await loginInUi(page, demo.teacher, demo.password);
    await capturePage(page, testInfo, 'zh-dashboard', async () => {
      await expect(page.locator('main h1').first()).toHaveText(zhCN['dash.title']);
      await expect(page.locator('#dash-live ~ ul li').first()).toBeVisible();
    });
    await page.goto(`/courses/${demo.liveRoomnum}`);
    await capturePage(page, testInfo, 'zh-course-live', async () => {
      await expect(page.getByTestId('state-badge')).toHaveText(zhCN['state.1']);
      await expect(page.getByTestId('roster-row').first()).toBeVisible();
    });
    await page.goto(`/courses/${demo.replayRoomnum}/playback`);
    await capturePage(page, testInfo, 'zh-playback', async () => {
      await expect(page.getByTestId('index-status')).toHaveText(zhCN['index.ready']);
      await expect(page.getByTestId('attendance-row').first()).toBeVisible();
    });
  });
});
