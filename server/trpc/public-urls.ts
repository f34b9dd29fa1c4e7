/**
 * URLs in console answers: stored references (`storage:<key>` or external URLs) are built at the base the browser
 * reached this server at, so files open on whatever host and port the console is served from. Which request header
 * counts is decided once, in requestBaseUrl.
 */
import { publicUrlOf, requestBaseUrl } from '../integrations/storage/stored-ref';
import type { ConsoleContext } from './init';

/** The base URL of this request (PUBLIC_BASE_URL, else its Host). */
export function consoleBaseUrl(c: Pick<ConsoleContext, 'ctx' | 'req'>): string {
  let protocol = 'http:';
  try {
    protocol = new URL(c.req.url).protocol;
  } catch {
    // a relative or odd URL: plain http
  }
  return requestBaseUrl(c.ctx.env, c.req.headers.get('host'), protocol);
}

/** A stored reference as a URL for this request's browser. */
export function consoleUrlOf(c: Pick<ConsoleContext, 'ctx' | 'req'>, stored: string): string {
  return publicUrlOf(c.ctx.storage, stored, consoleBaseUrl(c));
}
