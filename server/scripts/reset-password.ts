/**
 * `npm run reset-password <id>`: prints a one-time password reset code for an account (no e-mail in this product;
 * whoever can run commands on the server may reset). The user enters id + code + a new password on the console's
 * login page ("Forgot password?"). The code works once, for RESET_CODE_TTL_S; only its hash is stored.
 */
import { closeServiceCtx, createServiceCtx, migrateDatabase } from '../context';
import { loadEnv } from '../env';
import { isAppError } from '../errors';
import { createLogger } from '../logger';
import { issueResetCode, RESET_CODE_TTL_S } from '../services/password-change';
import { userIdInput } from '../services/schemas';

async function main(argv: string[]): Promise<number> {
  const id = userIdInput.safeParse(argv[0]);
  if (argv.length !== 1 || !id.success) {
    console.error('usage: npm run reset-password <account id>');
    return 2;
  }
  const env = loadEnv();
  // PostgreSQL is migrated first (SQLite migrates as it opens), as `npm start` does.
  await migrateDatabase(env);
  const ctx = createServiceCtx(env, { log: createLogger('warn') });
  try {
    const { code } = await issueResetCode(ctx, id.data);
    console.log(
      [
        `Reset code for ${id.data}: ${code}`,
        `It works once, for ${RESET_CODE_TTL_S / 60} minutes: on the console's login page choose "Forgot password?".`,
        'Earlier unused codes for this account no longer work.',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    if (isAppError(e) && e.code === 'USER_NOT_FOUND') {
      console.error(`no account with id ${id.data}`);
      return 1;
    }
    throw e;
  } finally {
    await closeServiceCtx(ctx);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (rc) => process.exit(rc),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
