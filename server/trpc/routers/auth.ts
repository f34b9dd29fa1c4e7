/** authRouter: who am I, teacher registration, login, logout. Sessions live in services/sessions.ts. */
import { z } from 'zod';
import { newConsolePasswordInput, passwordInput, userIdInput } from '../../services/schemas';
import { loginConsole, logoutConsole, registerTeacher } from '../../services/sessions';
import { publicProcedure, router } from '../init';

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
});
