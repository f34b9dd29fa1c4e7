/**
 * Picks the console language: the switcher's cookie when valid, else the best Accept-Language match (q-weighted;
 * any `zh*` → zh-CN, any `en*` → en), else the default. Pure, so pages, the tRPC context and the CSV route agree.
 */
import { DEFAULT_LOCALE, isLocale, type Locale } from './locales';

function matchTag(tag: string): Locale | null {
  const t = tag.toLowerCase();
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

export function negotiateLocale(cookie: string | undefined | null, acceptLanguage: string | undefined | null): Locale {
  if (isLocale(cookie)) return cookie;
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((r) => r.tag && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const r of ranked) {
    const m = matchTag(r.tag);
    if (m) return m;
  }
  return DEFAULT_LOCALE;
}
