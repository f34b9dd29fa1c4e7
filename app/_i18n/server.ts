/** Server-side locale for pages and route handlers: the switcher's cookie, else Accept-Language (negotiate.ts). */
import 'server-only';
import { cookies, headers } from 'next/headers';
import { LOCALE_COOKIE, type Locale } from '@/server/i18n/locales';
import { negotiateLocale } from '@/server/i18n/negotiate';

export async function requestLocale(): Promise<Locale> {
  const [jar, h] = await Promise.all([cookies(), headers()]);
  return negotiateLocale(jar.get(LOCALE_COOKIE)?.value, h.get('accept-language'));
}
