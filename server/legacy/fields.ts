/**
 * Legacy-only field shapes. The 2017 clients send `roomnum` as a numeric string in heartbeat, reportmemid and
 * roomidlist, so only those accept one; everywhere else roomnum is a JSON integer.
 */
import { z } from 'zod';
import { roomnumInput } from '../services/schemas';

export const roomnumOrString = z
  .union([
    roomnumInput,
    z
      .string()
      .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer')
      .transform(Number),
  ])
  .pipe(roomnumInput);

/** A token as clients send it (the check that it is known happens in handle.ts). */
export const tokenField = z.string().min(1, 'must not be empty').max(512, 'too long');
