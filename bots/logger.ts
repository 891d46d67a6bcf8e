import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Tokens, phone numbers and the answers given to an ownership proof never reach them:
 * the fields that could carry them are censored wherever they appear.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'authToken', '*.authToken', 'answer', '*.answer', 'password', 'secret', '*.secret'],
        censor: '[hidden]',
      },
      serializers: { phone: maskPhone },
    },
    destination,
  );
}

/** '380671234567' → '38067***67': enough for staff to recognise, too little to call. */
export function maskPhone(phone: unknown): unknown {
  if (typeof phone !== 'string' || phone.length < 7) return phone;
  return `${phone.slice(0, 5)}***${phone.slice(-2)}`;
}
