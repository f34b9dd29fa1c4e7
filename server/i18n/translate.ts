/**
 * Message lookup with `{name}` placeholders. Placeholders are replaced as plain text; React renders the result as
 * text, never HTML, so titles and file names inside messages cannot inject markup.
 */
import type { Locale } from './locales';
import { en, type MessageKey, type Messages } from './messages/en';
import { zhCN } from './messages/zh-CN';

export type { MessageKey, Messages };

export const CATALOGS: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

export type Vars = Record<string, string | number>;

export function translate(messages: Messages, key: MessageKey, vars?: Vars): string {
  const template = messages[key];
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
