/**
 * One input rule for both doors: a request's JSON may nest at most MAX_JSON_DEPTH objects or arrays deep. No client
 * sends more than a few levels (the legacy bodies are flat objects, the console's inputs two or three levels), while
 * a body nested thousands deep makes any recursive walk of it — a validator's, a logger's, an error formatter's —
 * overflow the stack: an internal error and a logged stack per request. Checked with an explicit stack (never
 * recursion) right after JSON.parse (V8's parser is itself iterative), before anything else looks inside the value;
 * the legacy handler answers 10003, every tRPC procedure BAD_REQUEST.
 */
export const MAX_JSON_DEPTH = 64;

export const DEPTH_MESSAGE = `must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`;

/** Whether a decoded value nests more than `max` objects/arrays (the value itself is level 1). Iterative. */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: { v: object; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) stack.push({ v: value, depth: 1 });
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.depth > max) return true;
    for (const child of Object.values(top.v))
      if (typeof child === 'object' && child !== null) stack.push({ v: child as object, depth: top.depth + 1 });
  }
  return false;
}
