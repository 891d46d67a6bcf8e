import type { IncomingMessage } from 'node:http';
import type { Params, UploadedFile } from './state.ts';

// grammY sends JSON, or multipart/form-data when a payload holds an InputFile (its part headers are written
// lower-case without spaces, filenames unquoted); curl-style clients send urlencoded or a query string.
// Everything but JSON arrives as strings, so fields are decoded back to what a JSON body would have held.

const JSON_FIELDS = new Set([
  'reply_markup',
  'reply_parameters',
  'entities',
  'caption_entities',
  'media',
  'allowed_updates',
  'commands',
  'scope',
  'link_preview_options',
  'message_ids',
  'menu_button',
  'reaction',
]);

const NUMERIC_FIELDS = /^(chat_id|from_chat_id|message_id|message_thread_id|reply_to_message_id|user_id|offset|limit|timeout|cache_time|max_connections|icon_color|duration|width|height)$/;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseParams(contentType: string | undefined, body: Buffer, query: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of query) params[key] = value;
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return decodeStrings(params, {});
  if (type.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return { ...decodeStrings(params, {}), ...(parsed as Params) };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = value;
    return decodeStrings(params, {});
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const files: Record<string, UploadedFile> = {};
    for (const part of splitMultipart(body, boundary?.[1] ?? boundary?.[2] ?? '')) {
      if (part.filename !== undefined) files[part.name] = { upload: true, filename: part.filename, bytes: part.data };
      else params[part.name] = part.data.toString('utf8');
    }
    return decodeStrings(params, files);
  }
  throw new Error(`unsupported content type ${contentType}`);
}

function decodeStrings(params: Params, files: Record<string, UploadedFile>): Params {
  const attach = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('attach://')) return files[value.slice('attach://'.length)] ?? value;
    if (Array.isArray(value)) return value.map(attach);
    if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, attach(v)]));
    }
    return value;
  };
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) {
    let decoded: unknown = value;
    if (typeof value === 'string') {
      if (JSON_FIELDS.has(key) && /^[[{]/.test(value.trim())) decoded = JSON.parse(value);
      else if (/^-?\d{1,15}$/.test(value) && NUMERIC_FIELDS.test(key)) decoded = Number(value);
      else if (value === 'true' || value === 'false') decoded = value === 'true';
    }
    out[key] = attach(decoded);
  }
  return out;
}

interface Part {
  name: string;
  filename?: string;
  data: Buffer;
}

function splitMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let position = body.indexOf(delimiter);
  while (position >= 0) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF before the next delimiter.
    const chunk = body.subarray(start + 2, next - 2);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    const headers = chunk.subarray(0, headerEnd).toString('utf8');
    const data = chunk.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? /name=([^;\r\n]*)/i.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1] ?? /filename=([^;\r\n]*)/i.exec(headers)?.[1];
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: Buffer.from(data) });
    position = next;
  }
  return parts;
}
