import pino, { type Logger } from 'pino';

export type { Logger };

/*
 * Logs never hold a token, a secret, a full phone, a proof answer or a subscriber's account data — by
 * construction, not by care at each call:
 * - every error (under `err` or `error`, or nested anywhere in what is logged) is reduced to what an operator
 *   needs: its type, message, method, error_code, description, a code, a constraint, the update id, the stack's
 *   frames, and the same of its cause. Payloads, request bodies, grammY contexts (which carry the bot token and
 *   the update with the subscriber's text), SQL parameters and message texts are never copied;
 * - every string that is written (messages, error messages, descriptions, any string field) has bot tokens,
 *   Viber tokens and the secrets the app registered replaced, and phone numbers masked;
 * - fields named like a secret or a proof answer are censored wherever they appear.
 */

const HIDDEN = '[hidden]';
/** Secrets the app knows (its bot token, Viber token, webhook secret): hidden wherever they appear. */
const knownSecrets = new Set<string>();

/** A Telegram bot token (also inside Bot API URLs) and a Viber auth token, known or not. */
const TOKEN_PATTERNS = [/\d{5,}:[A-Za-z0-9_-]{30,}/g, /\b[0-9a-f]{16}-[0-9a-f]{16}-[0-9a-f]{16}\b/gi];
/** Ukrainian phones as the cabinet stores and people type them: 380XXXXXXXXX, +380…, 0XXXXXXXXX. */
const PHONE = /(?<![\d])(\+?380\d{9}|0\d{9})(?![\d])/g;

export function registerSecrets(secrets: ReadonlyArray<string | undefined | null>): void {
  // Very short values would hide ordinary words; real tokens and secrets are long.
  for (const secret of secrets) if (secret && secret.length >= 8) knownSecrets.add(secret);
}

/** The secrets in the app's configuration: what createLogger is given in main.ts and the CLI. */
export function secretsOf(config: {
  telegram?: { token: string; webhook?: { secret: string } | undefined } | undefined;
  viber?: { authToken: string } | undefined;
  database?: { url?: string | undefined };
  payments?: { liqpay?: { privateKey: string } | undefined; telegramProviderToken?: string | undefined };
}): string[] {
  const secrets = [
    config.telegram?.token,
    config.telegram?.webhook?.secret,
    config.viber?.authToken,
    config.payments?.liqpay?.privateKey,
    config.payments?.telegramProviderToken,
  ];
  const databaseUrl = config.database?.url;
  if (databaseUrl) {
    try {
      const password = decodeURIComponent(new URL(databaseUrl).password);
      if (password) secrets.push(password);
    } catch {
      // Not a URL: nothing to take from it.
    }
  }
  return secrets.filter((s): s is string => Boolean(s));
}

/** A string with every known secret and token hidden and every phone masked. */
export function scrub(text: string): string {
  let out = text;
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join(HIDDEN);
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, HIDDEN);
  return out.replace(PHONE, (phone) => String(maskPhone(phone)));
}

/** '380671234567' → '38067***67': enough for staff to recognise, too little to call. */
export function maskPhone(phone: unknown): unknown {
  if (typeof phone !== 'string' || phone.length < 7) return phone;
  return `${phone.slice(0, 5)}***${phone.slice(-2)}`;
}

export interface SafeError {
  type: string;
  message: string;
  method?: string;
  error_code?: number;
  description?: string;
  retry_after?: number;
  status?: number;
  code?: string | number;
  constraint?: string;
  table?: string;
  update_id?: number;
  stack?: string;
  cause?: SafeError;
}

const MAX_TEXT = 500;
/** Errors whose messages the project writes itself, with no subscriber input in them. */
const SAFE_MESSAGES = new Set(['DeadlineError', 'ConfigError', 'UsageError', 'DataFolderBusyError']);
const MAX_DEPTH = 3;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** PostgreSQL / Sequelize errors quote the values they refused ("invalid input syntax …: "Шевченко""): those go. */
function looksLikeDatabaseError(e: Record<string, unknown>): boolean {
  const name = typeof e.name === 'string' ? e.name : '';
  return name.startsWith('Sequelize') || 'sql' in e || 'severity' in e || ('routine' in e && 'code' in e);
}

const QUOTED = /"[^"]*"|'[^']*'|«[^»]*»/g;

function text(value: unknown, database: boolean): string {
  const raw = typeof value === 'string' ? value : String(value);
  const cut = raw.length > MAX_TEXT ? `${raw.slice(0, MAX_TEXT)}…` : raw;
  return scrub(database ? cut.replace(QUOTED, '"[value]"') : cut);
}

function frames(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  // The first line repeats the message (already kept, scrubbed); the frames are file positions only.
  const lines = stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 8);
  return lines.length ? scrub(lines.map((l) => l.trim()).join('\n')) : undefined;
}

/**
 * Any thrown value → the few fields an operator needs. Known shapes: grammY's GrammyError (method, error_code,
 * description, parameters.retry_after), HttpError (the method from its message; the fetch error, whose URL
 * holds the token, only as a scrubbed cause), BotError (the update id from its context, never the context),
 * the Viber client's errors (method, status), Node system errors (code), pg / Sequelize errors (SQLSTATE,
 * constraint, table; never the SQL, its parameters or the detail naming the values).
 */
export function serializeError(value: unknown, depth = 0): SafeError {
  if (!isRecord(value)) return { type: typeof value, message: text(value, false) };
  const e = value;
  const database = looksLikeDatabaseError(e);
  const ctor = (e.constructor as { name?: unknown } | undefined)?.name;
  const type = typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof ctor === 'string' && ctor !== 'Object' ? ctor : 'Error';
  // A message is kept only where its words are known: an error of our own start-up and configuration checks, a
  // system error (ECONNREFUSED …), the database's (values quoted in it are replaced). Any other error's message
  // may quote what a subscriber typed (a library quoting its input, a flow's own error): the type, the fields
  // below and the stack's file positions locate it without it.
  const keepMessage = database || SAFE_MESSAGES.has(type) || (typeof e.code === 'string' && /^E[A-Z0-9_]+$/.test(e.code));
  const out: SafeError = { type, message: keepMessage ? text(e.message ?? '', database) : '' };
  if (typeof e.method === 'string') out.method = e.method;
  else if (typeof e.message === 'string') {
    const method = /request for '([A-Za-z]+)'/.exec(e.message)?.[1];
    if (method) out.method = method;
  }
  if (typeof e.error_code === 'number') out.error_code = e.error_code;
  if (typeof e.description === 'string') out.description = text(e.description, false);
  const retryAfter = isRecord(e.parameters) ? e.parameters.retry_after : undefined;
  if (typeof retryAfter === 'number') out.retry_after = retryAfter;
  if (typeof e.status === 'number') out.status = e.status;
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = typeof e.code === 'string' ? text(e.code, false) : e.code;
  if (typeof e.constraint === 'string') out.constraint = e.constraint;
  if (typeof e.table === 'string') out.table = e.table;
  const update = isRecord(e.ctx) && isRecord(e.ctx.update) ? e.ctx.update.update_id : undefined;
  if (typeof update === 'number') out.update_id = update;
  const stack = frames(e.stack);
  if (stack) out.stack = stack;
  // grammY keeps the inner error in `error`, Sequelize in `original`/`parent`, standard errors in `cause`.
  const inner = [e.error, e.original, e.parent, e.cause].find((c) => isRecord(c) && c !== e);
  if (inner && depth < MAX_DEPTH) out.cause = serializeError(inner, depth + 1);
  return out;
}

function isErrorLike(value: unknown): boolean {
  return value instanceof Error || (isRecord(value) && typeof value.message === 'string' && typeof value.stack === 'string');
}

/** Everything else that is logged: errors anywhere become SafeErrors; strings are scrubbed; depth and size bounded. */
function safeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return text(value, false);
  if (!isRecord(value)) return value;
  if (isErrorLike(value)) return serializeError(value);
  if (depth >= 4) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => safeValue(item, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = safeValue(item, depth + 1);
  return out;
}

const errorSerializer = (value: unknown) => serializeError(value);

export function createLogger(level: string, destination?: pino.DestinationStream, options: { secrets?: ReadonlyArray<string | undefined | null> } = {}): Logger {
  registerSecrets(options.secrets ?? []);
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'authToken', '*.authToken', 'answer', '*.answer', 'password', 'secret', '*.secret'],
        censor: HIDDEN,
      },
      serializers: { err: errorSerializer, error: errorSerializer, phone: maskPhone },
      formatters: {
        // Runs before the serializers: `err`/`error` are left to them, everything else is made safe here.
        log(object) {
          const out: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(object)) out[key] = key === 'err' || key === 'error' ? value : safeValue(value, 0);
          return out;
        },
      },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const safeRest = rest.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg));
          if (typeof first === 'string') return method.apply(this, [scrub(first), ...safeRest] as Parameters<typeof method>);
          // pino would take the message of an error logged without one, unscrubbed: give it the scrubbed one.
          if (safeRest.length === 0 && isRecord(first)) {
            const error = isErrorLike(first) ? first : isErrorLike(first.err) ? (first.err as Record<string, unknown>) : undefined;
            if (error) return method.apply(this, [first, text(error.message, looksLikeDatabaseError(error))] as Parameters<typeof method>);
          }
          return method.apply(this, [first, ...safeRest] as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
