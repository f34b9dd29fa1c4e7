/**
 * Console steps through the UI (register, log in) and the message catalogs the assertions read, so a test never
 * repeats a visible string by hand and a wording change does not break it.
 */
import { expect, type Page } from '@playwright/test';
import { en } from '../../server/i18n/messages/en';
import { zhCN } from '../../server/i18n/messages/zh-CN';

export { en, zhCN };

/** Registers a teacher through /register; registration signs in and lands on the console home. */
export async function registerInUi(page: Page, id: string, password: string): Promise<void> {
  await page.goto('/register');
  await page.locator('#auth-id').fill(id);
  await page.locator('#auth-pwd').fill(password);
  await page.locator('#auth-pwd2').fill(password);
  await page.getByTestId('auth-submit').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('current-user')).toContainText(id);
}

/** Logs in through /login; `landing` is where the role should arrive ('/' teacher, '/student' student). */
export async function loginInUi(
  page: Page,
  id: string,
  password: string,
  landing: '/' | '/student' = '/',
): Promise<void> {
  await page.goto('/login');
  await page.locator('#auth-id').fill(id);
  await page.locator('#auth-pwd').fill(password);
  await page.getByTestId('auth-submit').click();
  await expect(page).toHaveURL(landing === '/' ? /\/$/ : /\/student$/);
  await expect(page.getByTestId('current-user')).toContainText(id);
}

/** Logs out with the top bar button. */
export async function logoutInUi(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login$/);
}
