import type { MessageEntity } from 'grammy/types';
import { badRequest } from './errors.ts';

// Telegram parses parse_mode text on its side and returns plain text plus entities; doing the same here means tests
// compare what the subscriber actually sees, and a bot that forgets to escape "<" or "." fails here as it would live.

export interface Formatted {
  text: string;
  entities: MessageEntity[];
}

export function applyParseMode(raw: string, parseMode: unknown): Formatted {
  if (parseMode === 'HTML') return parseHtml(raw);
  if (parseMode === 'MarkdownV2') return parseMarkdownV2(raw);
  if (parseMode === undefined || parseMode === null || parseMode === '' || parseMode === 'Markdown') {
    return { text: raw, entities: [] };
  }
  throw badRequest(`unsupported parse_mode`);
}

const simpleTags: Record<string, MessageEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
};

const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

const cannotParse = (what: string) => badRequest(`can't parse entities: ${what}`);

export function parseHtml(raw: string): Formatted {
  let text = '';
  const entities: MessageEntity[] = [];
  const open: { tag: string; start: number; entity: Record<string, unknown> | null }[] = [];
  const byteOffset = (index: number) => Buffer.byteLength(raw.slice(0, index), 'utf8');
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === '&') {
      const match = /^&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/.exec(raw.slice(i));
      if (match) {
        const name = match[1]!;
        if (name.startsWith('#x')) text += String.fromCodePoint(parseInt(name.slice(2), 16));
        else if (name.startsWith('#')) text += String.fromCodePoint(parseInt(name.slice(1), 10));
        else if (namedEntities[name] !== undefined) text += namedEntities[name];
        else throw cannotParse(`Unsupported HTML entity "&${name};" at byte offset ${byteOffset(i)}`);
        i += match[0].length;
        continue;
      }
      text += ch;
      i += 1;
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i += 1;
      continue;
    }
    const end = raw.indexOf('>', i);
    if (end < 0) throw cannotParse(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const inside = raw.slice(i + 1, end);
    if (inside.startsWith('/')) {
      const name = inside.slice(1).trim().toLowerCase();
      const top = open.pop();
      if (!top) throw cannotParse(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      if (top.tag !== name) {
        throw cannotParse(`Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${top.tag}>", found "</${name}>"`);
      }
      if (top.entity && text.length > top.start) {
        entities.push({ ...top.entity, offset: top.start, length: text.length - top.start } as MessageEntity);
      }
    } else {
      const nameMatch = /^([a-zA-Z][a-zA-Z0-9-]*)\s*(.*)$/s.exec(inside);
      const name = nameMatch?.[1]?.toLowerCase();
      const attrs = nameMatch?.[2] ?? '';
      if (!name) throw cannotParse(`Unsupported start tag "${inside}" at byte offset ${byteOffset(i)}`);
      const attr = (key: string) => new RegExp(`${key}\\s*=\\s*"([^"]*)"|${key}\\s*=\\s*'([^']*)'`).exec(attrs);
      let entity: Record<string, unknown> | null;
      if (name === 'a') {
        const href = attr('href');
        const url = href?.[1] ?? href?.[2];
        if (url === undefined) entity = null;
        else {
          const mention = /^tg:\/\/user\?id=(\d+)$/.exec(url);
          entity = mention ? { type: 'text_mention', user: { id: Number(mention[1]), is_bot: false, first_name: '' } } : { type: 'text_link', url };
        }
      } else if (name === 'span') {
        if (!/class\s*=\s*["']tg-spoiler["']/.test(attrs)) {
          throw cannotParse(`Unsupported start tag "span" at byte offset ${byteOffset(i)}`);
        }
        entity = { type: 'spoiler' };
      } else if (name === 'tg-emoji') {
        entity = null;
      } else if (simpleTags[name]) {
        entity = { type: simpleTags[name] };
        if (name === 'blockquote' && /\bexpandable\b/.test(attrs)) entity = { type: 'expandable_blockquote' };
        if (name === 'code' && open.at(-1)?.tag === 'pre') {
          const language = /language-([\w+-]+)/.exec(attrs)?.[1];
          const pre = open.at(-1)!;
          if (language && pre.entity) pre.entity.language = language;
          entity = null;
        }
      } else {
        throw cannotParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
      }
      open.push({ tag: name, start: text.length, entity });
    }
    i = end + 1;
  }
  const unclosed = open.pop();
  if (unclosed) throw cannotParse(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

const reservedOutsideMarkup = new Set(['.', '-', '+', '=', '#', '{', '}', '!', '(', ')']);

/**
 * Checks the characters Telegram refuses unescaped (the usual bug: "125.50 грн", "01.12") and strips the markup.
 * It does not build entities; tests that need them should send HTML.
 */
export function parseMarkdownV2(raw: string): Formatted {
  let text = '';
  let i = 0;
  let inLinkText = false;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === '\\') {
      text += raw[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (raw.startsWith('```', i)) {
      const close = raw.indexOf('```', i + 3);
      if (close < 0) throw cannotParse(`Can't find end of Pre entity at byte offset ${Buffer.byteLength(raw.slice(0, i))}`);
      const body = raw.slice(i + 3, close);
      text += body.includes('\n') ? body.slice(body.indexOf('\n') + 1) : body;
      i = close + 3;
      continue;
    }
    if (ch === '`') {
      const close = raw.indexOf('`', i + 1);
      if (close < 0) throw cannotParse(`Can't find end of Code entity at byte offset ${Buffer.byteLength(raw.slice(0, i))}`);
      text += raw.slice(i + 1, close).replace(/\\(.)/g, '$1');
      i = close + 1;
      continue;
    }
    if (ch === '[') {
      inLinkText = true;
      i += 1;
      continue;
    }
    if (ch === ']' && inLinkText) {
      inLinkText = false;
      if (raw[i + 1] === '(') {
        const close = raw.indexOf(')', i + 2);
        if (close < 0) throw cannotParse(`Can't find end of a URL at byte offset ${Buffer.byteLength(raw.slice(0, i))}`);
        i = close + 1;
      } else i += 1;
      continue;
    }
    if (ch === '!' && raw[i + 1] === '[') {
      i += 1;
      continue;
    }
    if (reservedOutsideMarkup.has(ch)) {
      throw cannotParse(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    }
    if (ch === '*' || ch === '_' || ch === '~' || (ch === '|' && raw[i + 1] === '|')) {
      i += ch === '|' ? 2 : 1;
      continue;
    }
    if (ch === '>' && (i === 0 || raw[i - 1] === '\n')) {
      i += 1;
      continue;
    }
    if (ch === '>' || ch === '|') {
      throw cannotParse(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    }
    text += ch;
    i += 1;
  }
  return { text, entities: [] };
}

/** Entities Telegram adds on its own to what users type: commands, so bot.command() matches. */
export function autoEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  return entities;
}
