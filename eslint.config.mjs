// ESLint (flat config): typescript-eslint's recommended type-aware rules for all TypeScript, React hooks and
// Next's rules for the console, Prettier's compatibility layer last so formatting is Prettier's alone.
import nextPlugin from '@next/eslint-plugin-next';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const noAny = { selector: "TSTypeReference[typeName.name='any']", message: 'no `any`: name the type' };
// The server talks to SQLite or PostgreSQL through one async query surface (db/client.ts).
const portableQueries = [
  {
    selector: 'CallExpression[arguments.length=0] > MemberExpression.callee[property.name=/^(get|all|run|values)$/]',
    message: 'better-sqlite3 only: `await` the query instead (first(await q.limit(1)) for one row; db/client.ts)',
  },
  {
    selector: "MemberExpression[property.name='$client']",
    message: 'the raw driver is engine-specific: use the query builder, or db/dialect.ts rawRows',
  },
];
const notTests = ['**/*.test.ts', '**/testing/**'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.next/',
      'data/',
      'test-results/',
      'playwright-report/',
      'next-env.d.ts',
      'db/migrations/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    rules: {
      // `_`-prefixed names are deliberate discards (destructuring to drop a field).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', noAny],
    },
  },
  {
    // The server talks to SQLite or PostgreSQL through one async query surface (db/client.ts). Type-aware rules catch
    // a query or transaction that is not awaited; the syntax rules refuse better-sqlite3-only calls outside db/.
    files: ['server/**/*.ts', 'db/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      'no-restricted-syntax': ['error', noAny, ...portableQueries],
    },
  },
  // --- Layers (what may import what). Doors (server/legacy, server/trpc, server/console-http, server/storage-http,
  // app/) call the domain (server/services, server/console); the domain never reaches back into a door; jobs are
  // orchestration over services and never touch the database themselves; db/ knows nothing of the server.
  {
    files: ['server/services/**/*.ts', 'server/console/**/*.ts'],
    ignores: notTests,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/legacy/*',
                '**/trpc/*',
                '**/console-http/*',
                '**/storage-http/*',
                '**/app/*',
                'next',
                'next/*',
              ],
              message: 'the domain never imports a door: return values and errors, and let the door shape the answer',
            },
            { group: ['**/jobs/**'], message: 'jobs call services, not the other way round' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/jobs/**/*.ts'],
    ignores: notTests,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/**', 'drizzle-orm', 'drizzle-orm/*', 'pg', 'better-sqlite3'],
              message: 'jobs are orchestration only: every query and write they cause lives in a service',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        noAny,
        ...portableQueries,
        {
          selector: "MemberExpression[object.name='ctx'][property.name='db']",
          message: 'jobs are orchestration only: every query and write they cause lives in a service',
        },
      ],
    },
  },
  {
    // db/ tests and their fixtures (db/testing) included: the server's tests use db/'s fixtures, never the reverse.
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/app/**'],
              message: 'db/ knows tables, connections and migrations only: the server passes it what it needs',
            },
          ],
        },
      ],
    },
  },
  {
    // SQLite-only by design: the db/ internals and the bench's bulk seeding.
    files: ['db/client.ts', 'server/bench/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', noAny],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },
  {
    // Client components decide with the shared rules (server/services/course-state.ts and the other import-free rule
    // modules) and type what they show from the API (app/_trpc/types.ts), not from the services' own code or types.
    files: ['app/_components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/server/services/*',
                '**/server/console/*',
                '!**/server/services/course-state',
                '!**/server/services/password-rules',
                '!**/server/services/input-rules',
                '!**/server/console/heartbeat-age',
              ],
              message: 'client components use the router output types (app/_trpc/types.ts) or a shared rule module',
            },
          ],
        },
      ],
    },
  },
  {
    // The shared rule modules are imported by the console's client bundle too: they import nothing, so neither a
    // server dependency nor a secret can ride into the browser through them.
    files: [
      'server/services/course-state.ts',
      'server/services/password-rules.ts',
      'server/services/input-rules.ts',
      'server/console/heartbeat-age.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['*', '**'], message: 'a shared rule module imports nothing (client components import it)' },
          ],
        },
      ],
    },
  },
  {
    // A course's state and an account's role are read through course-state.ts, never against a bare number.
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        noAny,
        {
          selector:
            "BinaryExpression:matches([left.property.name=/^(state|role)$/], [left.name=/^(state|role)$/])[right.type='Literal'][right.raw=/^[0-9]+$/]",
          message: 'compare course states and roles through server/services/course-state.ts (isLive, isTeacher, …)',
        },
      ],
    },
  },
  {
    // Node scripts in CommonJS (next.config.js).
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
