/**
 * Issue 8 (console second release), defects 5–8, as a new teacher meets them in Chromium at 1280×800 and 390×844:
 * - uploads: an empty file and a wrong type are refused by name with the allowed types and limit (from the server's
 *   one list), finished rows clear themselves, course files appear once in the library and attach to another course;
 * - confirmations before starting a class and (un)publishing, success toasts (role=status, gone after ~3 s), field
 *   messages that name the field, the title counter, a reversed date range, course-state refusals in plain words;
 * - the student's replay cards (teacher, date, duration) and the way back from the watch page;
 * - the phone layout: a one-row header with a disclosure menu, chart labels ≥ 11 px, tables that keep every column
 *   and scroll sideways, sizes that never wrap.
 * Screenshots of the changed pages at both sizes (with axe) through capturePage.
 */
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { capturePage } from './helpers/capture';
import { en, loginInUi, registerInUi } from './helpers/console';
import { demoData, type Demo } from './helpers/demo';
import { uniqueId } from './helpers/legacy';
import { SCREENSHOT_DIR } from './helpers/server-env';

let demo: Demo;
test.beforeAll(() => {
  demo = demoData();
});

const PDF = 'application/pdf';
/** What the hint and refusals must say with the server's default list and UPLOAD_MAX_BYTES (500 MiB). */
const RULES = 'PDF, PPT(X), DOC(X), images, MP4 — up to 500\u00a0MB';

function pdf(name: string, bytes = '%PDF-1.4\n%%EOF\n') {
  return { name, mimeType: PDF, buffer: Buffer.from(bytes) };
}

async function createCourse(page: Page, title: string): Promise<number> {
  await page.goto('/courses/new');
  await page.getByTestId('course-title-input').fill(title);
  await page.getByTestId('course-save').click();
  await expect(page).toHaveURL(/\/courses\/\d+$/);
  await expect(page.getByTestId('course-title')).toHaveText(title);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

/** Every column header of `table` is rendered (not display:none) and visible. */
async function expectAllHeaders(table: Locator, names: string[]): Promise<void> {
  const ths = table.locator('thead th');
  await expect(ths).toHaveCount(names.length);
  for (let i = 0; i < names.length; i++) {
    const th = ths.nth(i);
    if (names[i]) await expect(th).toHaveText(names[i]!);
    expect(await th.evaluate((el) => getComputedStyle(el).display)).not.toBe('none');
    const box = await th.boundingBox();
    expect(box && box.width > 0 && box.height > 0, `column ${i} has a box`).toBe(true);
  }
}

/** Nothing widens the page itself at this size: only the table containers scroll sideways. */
async function expectNoPageOverflow(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
    .toBeLessThanOrEqual(page.viewportSize()!.width);
}

/** The table's scroll container really scrolls sideways at this width (and is reachable by keyboard). */
async function expectScrollsSideways(table: Locator): Promise<void> {
  const wrap = table.locator('xpath=ancestor::div[contains(@class,"table-wrap")][1]');
  await expect(wrap).toHaveAttribute('tabindex', '0');
  const m = await wrap.evaluate((el) => ({
    sw: el.scrollWidth,
    cw: el.clientWidth,
    ox: getComputedStyle(el).overflowX,
  }));
  expect(m.ox).toBe('auto');
  expect(m.sw).toBeGreaterThan(m.cw);
}

test('uploads: refusals name the file and the rules, done rows clear, course files are in the library once and attach elsewhere', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const teacher = uniqueId('up');
  await registerInUi(page, teacher, `pw-${teacher}-long`);
  const a = await createCourse(page, 'Course A');
  const files = page.locator('section[aria-labelledby="files-h"]');
  await expect(files.getByTestId('upload-rules')).toHaveText(RULES);
  // The picker offers exactly the server's extensions.
  expect(await files.getByTestId('file-input').getAttribute('accept')).toBe(
    '.pdf,.ppt,.pptx,.doc,.docx,.png,.jpg,.jpeg,.gif,.webp,.mp4',
  );

  await files.getByTestId('file-input').setInputFiles({ name: 'empty.pdf', mimeType: PDF, buffer: Buffer.alloc(0) });
  const empty = files.getByTestId('upload-item').filter({ hasText: 'empty.pdf' });
  await expect(empty).toHaveAttribute('data-status', 'error');
  await expect(empty.getByTestId('error-message')).toHaveText(
    en['upload.empty'].replace('{name}', 'empty.pdf').replace('{rules}', RULES),
  );

  await files
    .getByTestId('file-input')
    .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  const txt = files.getByTestId('upload-item').filter({ hasText: 'notes.txt' });
  await expect(txt.getByTestId('error-message')).toHaveText(
    en['upload.notAllowed'].replace('{name}', 'notes.txt').replace('{rules}', RULES),
  );

  await files.getByTestId('file-input').setInputFiles(pdf('lesson-a.pdf'));
  const ok = files.getByTestId('upload-item').filter({ hasText: 'lesson-a.pdf' });
  await expect(ok).toHaveAttribute('data-status', 'done');
  await expect(files.getByTestId('file-row').filter({ hasText: 'lesson-a.pdf' })).toBeVisible();
  // The finished row clears itself after a few seconds; the refusals stay to be read.
  await expect(ok).toHaveCount(0, { timeout: 8_000 });
  await expect(empty).toBeVisible();
  await capturePage(page, testInfo, 'polish-upload-errors', async () => {
    await expect(txt.getByTestId('error-message')).toBeVisible();
  });

  // The library lists the course's file (no "Remove": it lives in the course), and says files serve any lesson.
  await page.goto('/library');
  await expect(page.locator('main')).toContainText(en['library.intro']);
  const libRow = page.getByTestId('file-row').filter({ hasText: 'lesson-a.pdf' });
  await expect(libRow).toHaveCount(1);
  await expect(libRow.getByRole('button', { name: en['files.unbind'] })).toHaveCount(0);

  // Another course attaches it from the library; the library still lists it once.
  const b = await createCourse(page, 'Course B');
  expect(b).not.toBe(a);
  await page.getByText(en['files.fromLibrary']).click();
  await page.locator('#library-pick').selectOption({ label: 'lesson-a.pdf' });
  await page.getByRole('button', { name: en['files.attach'] }).click();
  await expect(page.getByTestId('toast')).toHaveText(en['toast.fileAttached']);
  await expect(page.getByTestId('file-row').filter({ hasText: 'lesson-a.pdf' })).toBeVisible();
  await page.goto('/library');
  await expect(page.getByTestId('file-row').filter({ hasText: 'lesson-a.pdf' })).toHaveCount(1);
  await capturePage(page, testInfo, 'polish-library', async () => {
    await expect(page.getByTestId('file-row').first()).toBeVisible();
  });
});

test('forms and actions: counter, named field errors, toasts, confirm start, plain course-state refusals, reversed dates', async ({
  page,
  context,
}, testInfo) => {
  test.setTimeout(90_000);
  const teacher = uniqueId('act');
  await registerInUi(page, teacher, `pw-${teacher}-long`);

  await page.goto('/courses/new');
  const counter = page.getByTestId('title-counter');
  await expect(counter).toHaveText(en['course.titleCounter'].replace('{used}', '0').replace('{max}', '128'));
  await page.getByTestId('course-title-input').fill('Fractions 🍕');
  await expect(counter).toHaveText(en['course.titleCounter'].replace('{used}', '11').replace('{max}', '128'));
  // A blank title: the server's message, next to the field, naming it.
  await page.getByTestId('course-title-input').fill('   ');
  await page.getByTestId('course-save').click();
  await expect(page.getByTestId('field-error-title')).toHaveText('Title: must not be empty');
  await expect(page.getByTestId('course-title-input')).toHaveAttribute('aria-invalid', 'true');
  await capturePage(page, testInfo, 'polish-course-form-error', async () => {
    await expect(page.getByTestId('field-error-title')).toBeVisible();
  });

  // Create: a polite status toast that goes away by itself.
  await page.getByTestId('course-title-input').fill('Confirm me');
  await page.getByTestId('course-save').click();
  await expect(page).toHaveURL(/\/courses\/\d+$/);
  const toast = page.getByTestId('toast');
  await expect(toast).toHaveText(en['toast.courseCreated']);
  await expect(page.getByRole('status').filter({ has: toast })).toHaveAttribute('aria-live', 'polite');
  await expect(toast).toHaveCount(0, { timeout: 5_000 });
  const url = page.url();
  // Save: the same toast region says so.
  await page.getByTestId('edit-course').click();
  await page.getByTestId('course-title-input').fill('Confirm me, please');
  await page.getByTestId('course-save').click();
  await expect(toast).toHaveText(en['toast.courseSaved']);
  await expect(page.getByTestId('course-title')).toHaveText('Confirm me, please');

  // Start asks first; cancelling changes nothing.
  await page.getByTestId('start-course').click();
  const dialog = page.getByTestId('start-course-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(en['course.startTitle']);
  await dialog.getByRole('button', { name: en['common.cancel'] }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '0');

  // The class starts in another window; deleting here is refused in words a teacher understands.
  const other = await context.newPage();
  await other.goto(url);
  await other.getByTestId('start-course').click();
  await other.getByTestId('start-course-confirm').click();
  await expect(other.getByTestId('state-badge')).toHaveAttribute('data-state', '1');
  await expect(other.getByTestId('toast')).toHaveText(en['toast.courseStarted']);
  await other.close();
  await page.getByTestId('delete-course').click();
  await page.getByTestId('delete-course-confirm').click();
  await expect(page.getByTestId('error-message')).toHaveText(en['error.COURSE_STATE.delete']);
  await expect(page.getByTestId('state-badge')).toHaveAttribute('data-state', '1');

  // A reversed date range is swapped and explained; the list still shows today's course.
  await page.goto('/courses');
  await expect(page.getByTestId('course-row').first()).toBeVisible();
  const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
  await page.locator('#course-from').fill(day(10));
  await page.locator('#course-to').fill(day(-10));
  await expect(page.getByTestId('dates-swapped')).toBeVisible();
  await expect(page.getByTestId('course-row').filter({ hasText: 'Confirm me' })).toBeVisible();
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  await capturePage(page, testInfo, 'polish-courses-swapped', async () => {
    await expect(page.getByTestId('dates-swapped')).toBeVisible();
  });

  // Delete (a draft): confirmed, then a toast on the list it lands on.
  await createCourse(page, 'Delete me');
  await page.getByTestId('delete-course').click();
  await page.getByTestId('delete-course-confirm').click();
  await expect(page).toHaveURL(/\/courses$/);
  await expect(page.getByTestId('toast')).toHaveText(en['toast.courseDeleted']);
});

test('publishing a replay asks first and confirms with a toast', async ({ page }) => {
  await loginInUi(page, demo.teacher, demo.password);
  await page.goto(`/courses/${demo.replayRoomnum}/playback`);
  const toggle = page.getByTestId('publish-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  const dialog = page.getByTestId('publish-toggle-dialog');
  await expect(dialog).toContainText(en['publish.unpublishTitle']);
  await dialog.getByRole('button', { name: en['common.cancel'] }).click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await page.getByTestId('publish-toggle-confirm').click();
  await expect(page.getByTestId('toast')).toHaveText(en['toast.unpublished']);
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  // Put it back for the other tests (the students' replay).
  await toggle.click();
  await expect(dialog).toContainText(en['publish.publishTitle']);
  await page.getByTestId('publish-toggle-confirm').click();
  await expect(page.getByTestId('toast')).toHaveText(en['toast.published']);
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
});

test('student: replay cards with teacher, date and duration; the watch page leads back', async ({ page }, testInfo) => {
  await loginInUi(page, demo.student, demo.password, '/student');
  const card = page.getByTestId('replay-card').filter({ has: page.locator(`a[href="/watch/${demo.replayRoomnum}"]`) });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('replay-teacher')).toHaveText(demo.teacher);
  await expect(card.getByTestId('replay-duration')).toHaveText(/^(\d+:)?\d{1,2}:\d{2}$/);
  await expect(card).toContainText(en['student.date']);
  await capturePage(page, testInfo, 'polish-student', async () => {
    await expect(card).toBeVisible();
  });
  await card.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/watch/${demo.replayRoomnum}$`));
  const back = page.getByTestId('watch-back');
  await expect(back).toContainText(en['student.back']);
  await capturePage(page, testInfo, 'polish-watch', async () => {
    await expect(page.getByTestId('playback-video')).toBeVisible();
  });
  await back.click();
  await expect(page).toHaveURL(/\/student$/);
});

test.describe('at 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('one-row header with a keyboard-accessible menu', async ({ page }) => {
    await loginInUi(page, demo.teacher, demo.password);
    const header = page.locator('header.topbar');
    const button = page.getByTestId('menu-button');
    const coursesLink = page.getByRole('link', { name: en['nav.courses'] });
    await expect(button).toBeVisible();
    await expect(button).toHaveAttribute('aria-expanded', 'false');
    await expect(coursesLink).toBeHidden();
    // One row: the bar is no taller than the button plus its padding, and brand and button share a line.
    const hb = (await header.boundingBox())!;
    const bb = (await button.boundingBox())!;
    const brand = (await header.locator('.brand').boundingBox())!;
    expect(hb.height).toBeLessThan(bb.height + 30);
    expect(Math.abs(brand.y + brand.height / 2 - (bb.y + bb.height / 2))).toBeLessThan(6);

    // Keyboard: Enter opens, Escape closes and gives focus back.
    await button.focus();
    await page.keyboard.press('Enter');
    await expect(button).toHaveAttribute('aria-expanded', 'true');
    await expect(coursesLink).toBeVisible();
    await expect(page.getByTestId('logout')).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'polish-menu-open-390x844.png') });
    await coursesLink.focus();
    await page.keyboard.press('Escape');
    await expect(button).toHaveAttribute('aria-expanded', 'false');
    await expect(button).toBeFocused();
    // Following a link closes the menu.
    await button.click();
    await coursesLink.click();
    await expect(page).toHaveURL(/\/courses$/);
    await expect(button).toHaveAttribute('aria-expanded', 'false');
  });

  test('chart labels render at 11 px or more; tables keep every column and scroll; sizes do not wrap', async ({
    page,
  }, testInfo) => {
    test.setTimeout(90_000);
    await loginInUi(page, demo.teacher, demo.password);
    const chart = page.getByTestId('activity-chart');
    await expect(chart).toBeVisible();
    const labelPx = () =>
      chart.evaluate((svg: SVGSVGElement) => {
        const scale = svg.getScreenCTM()!.a;
        return [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      });
    await expect.poll(async () => Math.min(...(await labelPx()))).toBeGreaterThanOrEqual(11);
    expect((await labelPx()).length).toBeGreaterThanOrEqual(2);
    await capturePage(page, testInfo, 'polish-dashboard', async () => {
      await expect(chart).toBeVisible();
    });
    // Laptop size too (capturePage restored it): neither tiny nor huge.
    await expect.poll(async () => Math.min(...(await labelPx()))).toBeGreaterThanOrEqual(11);
    expect(Math.max(...(await labelPx()))).toBeLessThanOrEqual(14);
    await page.setViewportSize({ width: 390, height: 844 });

    await page.goto('/courses');
    const courses = page.getByTestId('course-table');
    await expect(page.getByTestId('course-row').first()).toBeVisible();
    await expectAllHeaders(courses, [
      en['courses.colTitle'],
      en['courses.colState'],
      en['courses.colTime'],
      en['courses.colMembers'],
    ]);
    await expectScrollsSideways(courses);
    await expectNoPageOverflow(page);
    // A course's time is on one line.
    const timeCell = page.getByTestId('course-row').first().locator('td').nth(2);
    expect(await timeCell.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
    await capturePage(page, testInfo, 'polish-courses', async () => {
      await expect(page.getByTestId('course-row').first()).toBeVisible();
    });
    await page.setViewportSize({ width: 390, height: 844 });

    await page.goto('/library');
    const files = page.getByTestId('file-table');
    await expect(page.getByTestId('file-row').first()).toBeVisible();
    await expectAllHeaders(files, [
      en['files.name'],
      en['files.type'],
      en['files.size'],
      en['files.uploader'],
      en['files.time'],
      '',
    ]);
    await expectScrollsSideways(files);
    await expectNoPageOverflow(page);
    const sizeCell = page.getByTestId('file-row').first().locator('td').nth(2);
    const size = await sizeCell.evaluate((el) => ({ text: el.textContent ?? '', ws: getComputedStyle(el).whiteSpace }));
    expect(size.text).toMatch(/^\d+(\.\d)?\u00a0(B|KB|MB|GB)$/);
    expect(size.ws).toBe('nowrap');

    // A live course (roster and files tables) does not widen the page either.
    await page.goto(`/courses/${demo.liveRoomnum}`);
    await expect(page.getByTestId('file-row').first()).toBeVisible();
    await expectNoPageOverflow(page);
  });
});
