import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhone } from '../../bots/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('logs', () => {
  it('never carry tokens, secrets or proof answers', () => {
    const { lines, logger } = capture();
    logger.info({ token: '123:SECRET', answer: 'Шев', telegram: { token: '456:SECRET' }, secret: 'hook-secret' }, 'starting');
    const line = lines.join('');
    expect(line).not.toContain('SECRET');
    expect(line).not.toContain('Шев');
    expect(line).not.toContain('hook-secret');
    expect(JSON.parse(line)).toMatchObject({ token: '[hidden]', answer: '[hidden]', telegram: { token: '[hidden]' } });
  });

  it('mask phone numbers', () => {
    const { lines, logger } = capture();
    logger.info({ phone: '380671234567' }, 'phone saved');
    expect(lines.join('')).not.toContain('380671234567');
    expect(JSON.parse(lines.join('')).phone).toBe('38067***67');
    expect(maskPhone('12')).toBe('12');
  });
});
