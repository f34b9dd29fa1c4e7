/**
 * The password as the mobile clients send it: base64 of its UTF-8 bytes. The console form sends exactly this, so an
 * account works with the same password on the phone and in the console.
 */
export function encodeClientPassword(plain: string): string {
  const bytes = new TextEncoder().encode(plain);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
