/**
 * Input-error messages in the console user's language. The schemas (services/schemas.ts, console inputs) and the
 * services write their messages in English, and the legacy door sends them as they are (its `errorInfo` is part of
 * the 2017 protocol and stays English); the console door translates them here, in its error formatter, so a Chinese
 * page never shows "must be at most 600 minutes".
 * Two sources: our own messages (a table of English patterns, each with its Chinese), and zod's defaults (built
 * from the issue's code and bounds). Whatever matches neither still reaches a Chinese user in Chinese, as a generic
 * "invalid" sentence — never in English.
 */
import type { $ZodIssue } from 'zod/v4/core';
import type { Locale } from './locales';

type Rule = [RegExp, (m: RegExpMatchArray) => string];

/** Our own English messages → Chinese. Anchored; numbers are carried over. */
const ZH_RULES: Rule[] = [
  [/^must not be empty$/, () => '不能为空'],
  [/^too long$/, () => '太长'],
  [/^at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^at most (\d+) characters$/, (m) => `最多 ${m[1]} 个字符`],
  [/^password must have at least (\d+) characters$/, (m) => `密码至少需要 ${m[1]} 个字符`],
  [/^must be at least (\d+) minutes$/, (m) => `至少 ${m[1]} 分钟`],
  [/^must be at most (\d+) minutes$/, (m) => `最多 ${m[1]} 分钟`],
  [/^must be at most (\d+) days ahead$/, (m) => `最多只能提前 ${m[1]} 天`],
  [/^must be at most (\d+) hours ago$/, (m) => `最多只能早于现在 ${m[1]} 小时`],
  [/^must be after (\d+)$/, (m) => `必须晚于 ${m[1]} 年`],
  [/^must be before (\d+)$/, (m) => `必须早于 ${m[1]} 年`],
  [/^needs a planned start$/, () => '设置时长前需要先设置计划开始时间'],
  [/^at most (\d+) lines$/, (m) => `最多 ${m[1]} 行`],
  [/^at most (\d+) kB$/, (m) => `最多 ${m[1]} kB`],
  [/^at most (\d+) ids at once$/, (m) => `一次最多 ${m[1]} 个账号`],
  [/^must be 1-32 letters, digits, _ or -$/, () => '须为 1–32 个字母、数字、_ 或 -'],
  [/^must be an integer$/, () => '必须是整数'],
  [/^must be an http\(s\) URL$/, () => '必须是 http(s) 网址'],
  [/^must start with \/$/, () => '必须以 / 开头'],
  [/^must not contain NUL characters$/, () => '不能包含 NUL 字符'],
  [/^must differ from the current password$/, () => '新密码不能与当前密码相同'],
  [/^must be canonical base64 of UTF-8$/, () => '必须是 UTF-8 文本的标准 base64 编码'],
];

/** zod's own (default) messages, from the issue itself, in Chinese. */
function zhDefault(issue: $ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // Issues do not keep their input; zod's English text says what was received.
      return /received undefined$/.test(issue.message) ? '必填' : '类型不正确';
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return `至少 ${min} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `至少 ${min} 项`;
      return issue.inclusive === false ? `必须大于 ${min}` : `不能小于 ${min}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `最多 ${max} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `最多 ${max} 项`;
      return issue.inclusive === false ? `必须小于 ${max}` : `不能大于 ${max}`;
    }
    case 'invalid_value':
      return '不是允许的值';
    case 'invalid_format':
      return '格式不正确';
    case 'unrecognized_keys':
      return '包含未知字段';
    default:
      return '无效';
  }
}

/** One of our English messages in `locale` (English: unchanged); a Chinese generic sentence when unknown. */
export function localizeInputMessage(message: string, locale: Locale): string {
  if (locale === 'en') return message;
  for (const [re, zh] of ZH_RULES) {
    const m = message.match(re);
    if (m) return zh(m);
  }
  return '无效';
}

/** A zod issue's message in `locale`: ours from the table, zod's defaults from the issue's code and bounds. */
export function localizeZodIssue(issue: $ZodIssue, locale: Locale): string {
  if (locale === 'en') return issue.message;
  for (const [re, zh] of ZH_RULES) {
    const m = issue.message.match(re);
    if (m) return zh(m);
  }
  return zhDefault(issue);
}

/**
 * A service's input refusal names its field first, "plannedStart: must be at most 366 days ahead" (the legacy door
 * sends that text as errorInfo): the field and the message, or null when the text does not have that shape.
 */
export function splitFieldMessage(text: string): { field: string; message: string } | null {
  const m = text.match(/^([A-Za-z_][\w.]*): (.+)$/s);
  return m ? { field: m[1]!, message: m[2]! } : null;
}
