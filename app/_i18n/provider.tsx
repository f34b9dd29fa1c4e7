'use client';
/**
 * Client access to the current language: the root layout passes the negotiated locale and its catalog once;
 * components call `useT()` and never hard-code user-facing text.
 */
import { createContext, useCallback, useContext, useMemo } from 'react';
import type { Locale } from '@/server/i18n/locales';
import { translate, type MessageKey, type Messages, type Vars } from '@/server/i18n/translate';

interface I18n {
  locale: Locale;
  t: (key: MessageKey, vars?: Vars) => string;
  /** Date+time in the viewer's timezone and language (unix seconds in). */
  dateTime: (unixS: number) => string;
  date: (unixS: number) => string;
  time: (unixS: number) => string;
  number: (n: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({
  locale,
  messages,
  children,
}: {
  locale: Locale;
  messages: Messages;
  children: React.ReactNode;
}) {
  const t = useCallback((key: MessageKey, vars?: Vars) => translate(messages, key, vars), [messages]);
  const value = useMemo<I18n>(() => {
    const dt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const d = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    const tm = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
    const nf = new Intl.NumberFormat(locale);
    return {
      locale,
      t,
      dateTime: (s) => dt.format(new Date(s * 1000)),
      date: (s) => d.format(new Date(s * 1000)),
      time: (s) => tm.format(new Date(s * 1000)),
      number: (n) => nf.format(n),
    };
  }, [locale, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export function useT(): I18n['t'] {
  return useI18n().t;
}
