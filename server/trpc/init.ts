/**
 * tRPC plumbing for the teacher console, in one place: the request context (shared ServiceCtx + the caller from the
 * session cookie), the error formatter, and the procedures built by stacking middlewares:
 *   publicProcedure  → domain errors mapped (error-map.ts), CSRF checked on every mutation (csrf.ts)
 *   authedProcedure  → + a logged-in caller (UNAUTHORIZED otherwise)
 *   teacherProcedure → + the caller is a teacher, as a `Teacher` (FORBIDDEN otherwise)
 *   courseProcedure  → + input.roomnum is a course the caller teaches, as `ctx.course` (NOT_FOUND otherwise)
 * Must not hold business rules: procedures call services, which decide.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { ServiceCtx } from '../context';
import { isAppError } from '../errors';
import type { ClientAddress } from '../http/client-address';
import { DEPTH_MESSAGE, nestsDeeperThan } from '../http/json-depth';
import { findNul, NUL_MESSAGE } from '../http/nul-text';
import type { Locale } from '../i18n/locales';
import { asTeacher, taughtCourse } from '../services/course-access';
import { roomnumInput, type Caller } from '../services/schemas';
import { resolveConsoleSession } from '../console/sessions';
import { CallBudget } from './call-budget';
import { checkCsrf } from './csrf';
import { toTRPCError } from './error-map';
import { readCookie, SESSION_COOKIE, sessionClearCookie, sessionSetCookie } from './session-cookie';
import { localizeInputMessage, localizeZodIssue, splitFieldMessage } from '../i18n/input-messages';
import { negotiateLocale } from '../i18n/negotiate';
import { LOCALE_COOKIE } from '../i18n/locales';

/** What a procedure sees of the HTTP request. */
interface RequestInfo {
  headers: Headers;
  url: string;
  /** Client IP for the per-IP limits (http/client-address.ts); null when unknown. */
  ip: string | null;
  /** The origin this request was addressed to, for the CSRF check (http/client-address.ts). */
  origin: string;
}

/** Sets or clears the session cookie on the response (the fetch adapter's resHeaders; a recorder in tests). */
interface SessionCookieJar {
  set(secret: string): void;
  clear(): void;
}

export interface ConsoleContext {
  ctx: ServiceCtx;
  caller: Caller | null;
  /** The raw session secret from the cookie (logout revokes it). */
  sessionSecret: string | null;
  req: RequestInfo;
  cookies: SessionCookieJar;
  locale: Locale;
}

/**
 * Builds the context for one request. `client`: who sent it (the HTTP door resolves it, http/client-address.ts).
 * `setCookie` appends a Set-Cookie value to the response. Async: resolving the session reads the database.
 */
export async function createConsoleContext(
  ctx: ServiceCtx,
  req: { headers: Headers; url: string; client: ClientAddress },
  setCookie: (value: string) => void,
): Promise<ConsoleContext> {
  const secret = readCookie(req.headers.get('cookie'), SESSION_COOKIE) ?? null;
  const secure = req.client.origin.startsWith('https:');
  return {
    ctx,
    caller: await resolveConsoleSession(ctx, secret),
    sessionSecret: secret,
    req: { headers: req.headers, url: req.url, ip: req.client.ip, origin: req.client.origin },
    cookies: {
      set: (s) => setCookie(sessionSetCookie(s, secure, ctx.env.TOKEN_IDLE_EXPIRE_S)),
      clear: () => setCookie(sessionClearCookie(secure)),
    },
    locale: negotiateLocale(readCookie(req.headers.get('cookie'), LOCALE_COOKIE), req.headers.get('accept-language')),
  };
}

/** Input errors by field (first path segment), and those about the input as a whole, in the caller's language. */
interface InputErrors {
  formErrors: string[];
  fieldErrors: Record<string, string[]>;
}

interface ErrorShapeData {
  appCode: string | null;
  retryAfterS: number | null;
  zodError: InputErrors | null;
}

/** zod's issues, each message in `locale` (i18n/input-messages.ts). */
function zodInputErrors(zod: ZodError, locale: Locale): InputErrors {
  const out: InputErrors = { formErrors: [], fieldErrors: {} };
  for (const issue of zod.issues) {
    const msg = localizeZodIssue(issue, locale);
    const field = issue.path[0];
    if (field === undefined) out.formErrors.push(msg);
    else (out.fieldErrors[String(field)] ??= []).push(msg);
  }
  return out;
}

/** A service's BAD_INPUT ("field: message", services name the field first) as the same shape, in `locale`. */
function appInputErrors(message: string, locale: Locale): InputErrors {
  const fm = splitFieldMessage(message);
  return fm
    ? { formErrors: [], fieldErrors: { [fm.field]: [localizeInputMessage(fm.message, locale)] } }
    : { formErrors: [localizeInputMessage(message, locale)], fieldErrors: {} };
}

const t = initTRPC.context<ConsoleContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const app = isAppError(error.cause) ? error.cause : null;
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const locale: Locale = ctx?.locale ?? 'en';
    const retry = app?.data?.retryAfterS;
    // Internal errors keep their details in the log (route onError), never in the reply.
    const internal = error.code === 'INTERNAL_SERVER_ERROR' && !app;
    const { stack: _stack, ...data } = shape.data;
    void _stack;
    const extra: ErrorShapeData = {
      appCode: app ? app.code : zod ? 'BAD_INPUT' : null,
      retryAfterS: typeof retry === 'number' ? retry : null,
      zodError: zod
        ? zodInputErrors(zod, locale)
        : app?.code === 'BAD_INPUT'
          ? appInputErrors(app.message, locale)
          : null,
    };
    return { ...shape, message: internal ? 'internal error' : shape.message, data: { ...data, ...extra } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns AppErrors thrown by services into their mapped TRPCError (error-map.ts). */
const mapAppErrors = t.middleware(async ({ next }) => {
  const r = await next();
  if (!r.ok && isAppError(r.error.cause)) throw toTRPCError(r.error.cause);
  return r;
});

/** One call budget per ServiceCtx (per process in production; per test ctx in tests), limits from its env. */
const budgets = new WeakMap<ServiceCtx, CallBudget>();
function budgetOf(ctx: ServiceCtx): CallBudget {
  let b = budgets.get(ctx);
  if (!b) {
    b = new CallBudget(
      {
        maxInFlight: ctx.env.CONSOLE_MAX_IN_FLIGHT,
        ratePerS: ctx.env.CONSOLE_CALLS_PER_S,
        burst: ctx.env.CONSOLE_CALL_BURST,
      },
      ctx.clock,
    );
    budgets.set(ctx, b);
  }
  return b;
}

/**
 * Every call is counted against its caller's budget (call-budget.ts) before it runs: the account when signed in,
 * else the client address. Over it: 429 with retryAfterS, and the call does no work.
 */
const callBudget = t.middleware(async ({ ctx, next }) => {
  const anonymous = !ctx.caller;
  const key = ctx.caller ? `u:${ctx.caller.uid}` : `ip:${ctx.req.ip ?? 'unknown'}`;
  const release = budgetOf(ctx.ctx).acquire(key, anonymous);
  try {
    return await next();
  } finally {
    release();
  }
});

/** Mutations change state: require the CSRF header and a same-origin browser (csrf.ts). */
const csrf = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation') {
    const v = checkCsrf(ctx.req.headers, ctx.req.origin);
    if (!v.ok) throw new TRPCError({ code: 'FORBIDDEN', message: `CSRF check failed (${v.reason})` });
  }
  return next();
});

/**
 * The input rules both doors share, before validation: nesting at most MAX_JSON_DEPTH deep (http/json-depth.ts), and
 * no NUL in any text (http/nul-text.ts).
 */
const refuseBadInputShape = t.middleware(async ({ getRawInput, next }) => {
  const input = await getRawInput();
  if (nestsDeeperThan(input)) throw new TRPCError({ code: 'BAD_REQUEST', message: `input: ${DEPTH_MESSAGE}` });
  const at = findNul(input);
  if (at !== null) throw new TRPCError({ code: 'BAD_REQUEST', message: `${at || 'input'}: ${NUL_MESSAGE}` });
  return next();
});

export const publicProcedure = t.procedure.use(mapAppErrors).use(callBudget).use(csrf).use(refuseBadInputShape);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'not logged in' });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/** The console door's one "teachers only" decision: procedures below it see the caller as a `Teacher`. */
export const teacherProcedure = authedProcedure.use(({ ctx, next }) =>
  next({ ctx: { ...ctx, caller: asTeacher(ctx.caller, 'the console is for teachers') } }),
);

/** The input every course procedure carries (more fields chain on with `.input(...)`). */
export const byRoomInput = z.object({ roomnum: roomnumInput });

/**
 * A procedure on one of the caller's courses: the course is resolved once, before the procedure runs, and handed on
 * as `ctx.course` (a TaughtCourse). Someone else's course is answered like a missing one (error-map.ts consoleView).
 */
export const courseProcedure = teacherProcedure
  .input(byRoomInput)
  .use(async ({ ctx, input, next }) =>
    next({ ctx: { ...ctx, course: await taughtCourse(ctx.ctx, ctx.caller, input.roomnum) } }),
  );
