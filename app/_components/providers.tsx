'use client';
/** Client-side providers for every page: language catalog, then tRPC + react-query. */
import type { Locale } from '@/server/i18n/locales';
import type { Messages } from '@/server/i18n/translate';
import { I18nProvider } from '../_i18n/provider';
import { TRPCReactProvider } from '../_trpc/client';

export function Providers({ locale, messages, children }: { locale: Locale; messages: Messages; children: React.ReactNode }) {
  return (
    <I18nProvider locale={locale} messages={messages}>
      <TRPCReactProvider>{children}</TRPCReactProvider>
    </I18nProvider>
  );
}
