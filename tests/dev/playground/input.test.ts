import { describe, expect, it } from 'vitest';
import { contentType } from '../../../dev/playground/input.ts';

// The page serves the stand-in's files by what their bytes are: the statement's PDF was served on the Telegram
// side as an unknown octet-stream (seen by hand), while Viber's copy of the same file said application/pdf.

describe('the playground names a file by its bytes', () => {
  it('knows a PDF, the pictures, and nothing else', () => {
    expect(contentType(Buffer.from('%PDF-1.3\n%\xff\xff\xff\xff\n', 'latin1'))).toBe('application/pdf');
    expect(contentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(contentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]))).toBe('image/png');
    expect(contentType(Buffer.from('<html><script>alert(1)</script>'))).toBe('application/octet-stream');
    expect(contentType(Buffer.from('%PD'))).toBe('application/octet-stream');
  });
});
