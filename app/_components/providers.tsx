'use client';
/** Client-side providers for every page: language catalog and the toast region. tRPC + react-query are provided by AppShell (logged-in pages only). */
import type { Locale } from '@/server/i18n/locales';
import type { Messages } from '@/server/i18n/translate';
import { I18nProvider } from '../_i18n/provider';
import { ToastProvider } from './toast';

export function Providers({
  locale,
  messages,
  children,
}: {
  locale: Locale;
  messages: Messages;
  children: React.ReactNode;
}) {
  return (
    <I18nProvider locale={locale} messages={messages}>
      <ToastProvider>{children}</ToastProvider>
    </I18nProvider>
  );
}
