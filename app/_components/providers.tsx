'use client';
/** Client-side providers for every page: language catalog, then tRPC + react-query, then the toast region. */
import type { Locale } from '@/server/i18n/locales';
import type { Messages } from '@/server/i18n/translate';
import { I18nProvider } from '../_i18n/provider';
import { TRPCReactProvider } from '../_trpc/client';
import { ToastProvider } from './toast';

export function Providers({ locale, messages, children }: { locale: Locale; messages: Messages; children: React.ReactNode }) {
  return (
    <I18nProvider locale={locale} messages={messages}>
      <TRPCReactProvider>
        <ToastProvider>{children}</ToastProvider>
      </TRPCReactProvider>
    </I18nProvider>
  );
}
