/** `account/*`: regist, login, logout. */
import { z } from 'zod';
import { loginLegacy, registerUser } from '../../services/accounts';
import { revokeToken } from '../../services/auth-tokens';
import { passwordInput, roleInput, userIdInput } from '../../services/schemas';
import { command, type CommandEntry } from '../command';
import { tokenField } from '../fields';

export const accountCommands: Record<string, CommandEntry> = {
  'account/regist': command({
    auth: 'none',
    input: z.object({ id: userIdInput, pwd: passwordInput, role: roleInput }),
    run: (ctx, input, _caller, meta) => registerUser(ctx, { ...input, ip: meta.ip }),
  }),
  'account/login': command({
    auth: 'none',
    input: z.object({ id: userIdInput, pwd: passwordInput }),
    run: (ctx, input, _caller, meta) => loginLegacy(ctx, { ...input, appid: meta.common.appid, ip: meta.ip }),
  }),
  'account/logout': command({
    // Logout answers 10008 for an unknown or revoked token (not 10009), so it is not a token-authenticated entry.
    auth: 'none',
    input: z.object({ token: tokenField }),
    run: (ctx, input) => revokeToken(ctx, input.token, 'legacy'),
  }),
};
