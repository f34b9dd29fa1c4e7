'use client';
/**
 * One logged-out call (login, register, password reset) as form state: `pending` from the submit until the answer
 * (and on after a success, since the page moves on), the server's `error`, and `result` once it answered. A plain
 * fetch (auth-call.ts): the logged-out pages carry no tRPC client or react-query.
 */
import { useState } from 'react';
import { callAuth, type AuthInputs, type AuthOutputs, type AuthProcedure } from './auth-call';

type Input<P extends AuthProcedure> = AuthInputs[P];
type Output<P extends AuthProcedure> = AuthOutputs[P];

export function useAuthCall<P extends AuthProcedure>(proc: P, onDone?: (r: Output<P>) => void) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Output<P> | null>(null);
  async function submit(input: Input<P>): Promise<void> {
    setPending(true);
    setError(null);
    try {
      const r = await callAuth(proc, input);
      setResult(r);
      onDone?.(r);
    } catch (e) {
      setError(e);
      setPending(false);
    }
  }
  return { pending, error, result, submit };
}
