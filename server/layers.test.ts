/**
 * The import layers are ESLint rules (eslint.config.mjs, "Layers"): this proves each rule refuses what it is there to
 * refuse, so a typo in a glob cannot turn a layer into a fence that stops nothing. Source text is linted as if it were
 * a file of that layer (an existing path, so the config's globs match); type-aware parsing is switched off, the
 * layer rules being syntactic.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => LAYER_RULES.has(ruleId),
});

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['server/services/courses.ts', "import { LEGACY_CODES } from '../legacy/codes';"],
    ['server/services/courses.ts', "import { appRouter } from '../trpc/routers/courses';"],
    ['server/services/signing/cos.ts', "import { x } from '../../storage-http/range';"],
    ['server/console/dashboard.ts', "import { x } from '../console-http/attendance-csv';"],
    ['server/console/dashboard.ts', "import { redirect } from 'next/navigation';"],
  ])('the domain (%s) never imports a door: %s', async (file, line) => {
    expect(await layerErrors(file, `${line}\nexport const probe = 1;\n`)).toEqual([
      expect.stringMatching(/the domain never imports a door/),
    ]);
  });

  it('the domain never imports a job', async () => {
    const errors = await layerErrors('server/services/courses.ts', "import { JOBS } from '../jobs/scheduler';\n");
    expect(errors).toEqual([expect.stringMatching(/jobs call services/)]);
  });

  it.each([
    "import { users } from '../../db/schema';",
    "import { withJobLock } from '../../db/job-lock';",
    "import { eq } from 'drizzle-orm';",
    "import pg from 'pg';",
  ])('a job imports nothing of the database: %s', async (line) => {
    const errors = await layerErrors('server/jobs/sweep-dead-rooms.ts', `${line}\nexport const probe = 1;\n`);
    expect(errors).toEqual([expect.stringMatching(/jobs are orchestration only/)]);
  });

  it('a job does not query through its context', async () => {
    const code = 'export async function job(ctx: { db: { select(): unknown } }) {\n  return ctx.db.select();\n}\n';
    expect(await layerErrors('server/jobs/sweep-dead-rooms.ts', code)).toEqual([
      expect.stringMatching(/jobs are orchestration only/),
    ]);
  });

  it('db/ imports nothing from the server', async () => {
    const errors = await layerErrors(
      'db/client-pg.ts',
      "import type { Env } from '../server/env';\nexport type E = Env;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/db\/ knows tables/)]);
  });

  it('a test of the domain may use the doors and fixtures it tests with', async () => {
    const code = "import { callerFor } from '../trpc/testing';\nexport const probe = callerFor;\n";
    expect(await layerErrors('server/services/courses.test.ts', code)).toEqual([]);
  });

  it('what the layers allow passes: a service importing db/ and another service', async () => {
    const code =
      "import { courses } from '../../db/schema';\nimport { AppError } from '../errors';\nexport const probe = [courses, AppError];\n";
    expect(await layerErrors('server/services/courses.ts', code)).toEqual([]);
  });
});
