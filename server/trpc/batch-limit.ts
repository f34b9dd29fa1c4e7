/**
 * The most procedure calls one console HTTP request may batch. The server refuses a larger batch with 400 before
 * running any of it (http.ts `maxBatchSize`); the client's batch link splits at the same number (app/_trpc/client.tsx),
 * so the console never sends one. Why: 450 × `dashboard.home` in one GET held the event loop for 1.6 s. Imports
 * nothing: the browser bundle reads it too.
 */
export const MAX_BATCH_CALLS = 16;
