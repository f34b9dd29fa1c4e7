'use client';
/** Language switcher: stores the choice in a cookie (read by the server on every request) and re-renders. */
import { useRouter } from 'next/navigation';
import { useId } from 'react';
import { LOCALE_COOKIE, LOCALES, isLocale } from '@/server/i18n/locales';
import { useI18n } from '../_i18n/provider';

const ONE_YEAR_S = 365 * 86400;

export function LanguageSwitcher() {
  const { locale, t } = useI18n();
  const router = useRouter();
  const id = useId();
  return (
    <span className="row">
      <label htmlFor={id} className="visually-hidden">
        {t('lang.label')}
      </label>
      <select
        id={id}
        data-testid="language-switcher"
        value={locale}
        onChange={(e) => {
          const next = e.target.value;
          if (!isLocale(next)) return;
          document.cookie = `${LOCALE_COOKIE}=${next}; Path=/; Max-Age=${ONE_YEAR_S}; SameSite=Lax`;
          router.refresh();
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(l === 'en' ? 'lang.en' : 'lang.zh-CN')}
          </option>
        ))}
      </select>
    </span>
  );
}
