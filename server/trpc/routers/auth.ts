/**
 * authRouter: who am I, teacher registration, login, logout, password change and reset by code.
 * Sessions live in console/sessions.ts, password rules in services/password-change.ts.
 */
import { z } from 'zod';
import { newConsolePasswordInput, passwordInput, userIdInput } from '../../services/schemas';
import { loginConsole, logoutConsole, registerTeacher } from '../../console/sessions';
import { changePassword, resetCodeInput, resetWithCode } from '../../services/password-change';
import { authedProcedure, publicProcedure, router } from '../init';

/** The password exactly as the mobile clients send it: base64 of its UTF-8 bytes (the form encodes it the same way). */
const credentialsInput = z.object({ id: userIdInput, pwd: passwordInput });
/** A new console account: the same encoding, and a password of at least 8 characters once decoded. */
const registerInput = z.object({ id: userIdInput, pwd: newConsolePasswordInput });

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => (ctx.caller ? { uid: ctx.caller.uid, role: ctx.caller.role } : null)),

  login: publicProcedure.input(credentialsInput).mutation(async ({ ctx, input }) => {
    const s = await loginConsole(ctx.ctx, { id: input.id, pwd: input.pwd, ip: ctx.req.ip });
    ctx.cookies.set(s.secret);
    return { uid: s.caller.uid, role: s.caller.role };
  }),

  register: publicProcedure.input(registerInput).mutation(async ({ ctx, input }) => {
    const s = await registerTeacher(ctx.ctx, { ...input, ip: ctx.req.ip });
    ctx.cookies.set(s.secret);
    return { uid: s.caller.uid, role: s.caller.role };
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionSecret) await logoutConsole(ctx.ctx, ctx.sessionSecret);
    ctx.cookies.clear();
    return { ok: true as const };
  }),

  /** Keeps the session making the change; every other session and legacy token of the user is revoked. */
  changePassword: authedProcedure
    .input(z.object({ current: passwordInput, next: newConsolePasswordInput }))
    .mutation(async ({ ctx, input }) => {
      // authedProcedure guarantees a resolved session, so its secret is present.
      await changePassword(ctx.ctx, {
        uid: ctx.caller.uid,
        current: input.current,
        next: input.next,
        ip: ctx.req.ip,
        keepSessionSecret: ctx.sessionSecret ?? '',
      });
      return { ok: true as const };
    }),

  /** "Forgot password": id + the code printed by `npm run reset-password <id>` + a new password. Does not sign in. */
  resetPassword: publicProcedure
    .input(z.object({ id: userIdInput, code: resetCodeInput, pwd: newConsolePasswordInput }))
    .mutation(async ({ ctx, input }) => {
      await resetWithCode(ctx.ctx, { id: input.id, code: input.code, pwd: input.pwd, ip: ctx.req.ip });
      return { ok: true as const };
    }),
});
