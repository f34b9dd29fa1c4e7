/**
 * Opaque bearer secrets: 32 bytes from the CSPRNG, base64url. Only their SHA-256 is stored, so a database leak does
 * not leak usable tokens; SHA-256 (not a slow hash) is right here because the secret has 256 bits of entropy.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
