/**
 * Server secrets that are not configured: generated once (CSPRNG, 32 bytes) into a 0600 JSON file in the data folder
 * and reused on every later start, so no secret the server relies on is ever a constant published in the source.
 * Concurrent first starts converge on one set: each writes a private temp file and hard-links it into place
 * (link fails when the file exists), then everyone reads whichever file won.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Secret names as their environment variables are called, so logs and errors name what the operator can set. */
export const SECRET_NAMES = ['IM_SECRET_KEY', 'TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
export type GeneratedSecrets = Record<SecretName, string>;

/** Cloud API credentials for COS/VOD signing (ServiceCtx.cloud; resolved in context.ts resolveSecrets). */
export interface CloudCredentials {
  appid: number;
  secretId: string;
  secretKey: string;
  /** True when no TENCENT_SECRET_ID/KEY are configured and the generated local pair (secrets file) signs instead. */
  isDev: boolean;
}

/** The secrets file is missing pieces, unreadable or not ours: the message says which file and what to do. */
export class SecretsFileError extends Error {}

const fileSchema = z.object({
  version: z.literal(1),
  IM_SECRET_KEY: z.string().min(32),
  TENCENT_SECRET_ID: z.string().min(8),
  TENCENT_SECRET_KEY: z.string().min(32),
});

function generate(): GeneratedSecrets {
  return {
    IM_SECRET_KEY: randomBytes(32).toString('base64url'),
    TENCENT_SECRET_ID: `AKIDLOCAL${randomBytes(12).toString('hex').toUpperCase()}`,
    TENCENT_SECRET_KEY: randomBytes(32).toString('base64url'),
  };
}

function readSecrets(file: string): GeneratedSecrets {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SecretsFileError(
      `Cannot read the secrets file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}). Fix its permissions, or set SECRETS_FILE.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const r = fileSchema.safeParse(json);
  if (!r.success) {
    throw new SecretsFileError(
      `The secrets file ${file} is corrupt. Restore it from a backup, or delete it to generate new secrets (existing UserSigs and signed URLs then stop working).`,
    );
  }
  const { version: _v, ...secrets } = r.data;
  return secrets;
}

/**
 * Loads the secrets file, creating it when missing. `created` is true only for the process whose file won, so the
 * generation is logged once. Throws SecretsFileError (never a raw fs error) on anything it cannot fix itself.
 */
export function loadOrCreateSecrets(file: string): { secrets: GeneratedSecrets; created: boolean } {
  if (fs.existsSync(file)) return { secrets: readSecrets(file), created: false };
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, ...generate() }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } catch (e) {
    if (e instanceof SecretsFileError) throw e;
    throw new SecretsFileError(
      `Cannot create the secrets file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}). Make its folder writable, or set SECRETS_FILE.`,
    );
  } finally {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // Nothing was written there (the folder is unusable); the error above already says so.
    }
  }
  return { secrets: readSecrets(file), created };
}
