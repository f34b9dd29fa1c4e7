/**
 * Structured JSON logs (pino). Secrets never reach a log line: known secret-bearing keys are redacted wherever they
 * appear, as a second line of defence behind "don't log them".
 */
import pino, { type Logger } from 'pino';

const REDACT_PATHS = [
  'pwd',
  'password',
  'token',
  'userSig',
  'usersig',
  'sign',
  'authorization',
  'secretKey',
  'SecretKey',
  '*.pwd',
  '*.password',
  '*.token',
  '*.userSig',
  '*.usersig',
  '*.sign',
  '*.authorization',
  '*.secretKey',
  '*.SecretKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: undefined, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
export type { Logger };
