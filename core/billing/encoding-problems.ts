import type { EncodingVerdict, LineSample } from './file-encoding.ts';

// What is wrong with a file no encoding reads right, said so that the admin knows what to do with it.

const ENDIANNESS = { LE: 'little-endian', BE: 'big-endian' } as const;

const lines = (count: number) => (count === 1 ? '1 line is' : `${count} lines are`);

const lineList = (sample: LineSample, most: number) => {
  const shown = sample.first.slice(0, most).join(', ');
  return sample.count > most ? `${shown} and ${sample.count - most} more` : shown;
};

export function describeEncodingProblem(
  verdict: Exclude<EncodingVerdict, { kind: 'readable' }>,
  maxErrors: number,
): { errors: { line: number; reason: string }[]; moreErrors: number } {
  if (verdict.kind === 'wide') {
    const [width, order] = [verdict.encoding.slice(0, 6), verdict.encoding.slice(6) as 'LE' | 'BE'];
    return {
      errors: [
        {
          line: 0,
          reason: `the file is ${width} (${ENDIANNESS[order]}), not a text in one byte per letter: save it as UTF-8 or Windows-1251 (in Excel: "CSV UTF-8") and import it again`,
        },
      ],
      moreErrors: 0,
    };
  }
  const { utf8, notUtf8, bom } = verdict;
  const summary = bom
    ? `the file starts with UTF-8's byte order mark, but ${notUtf8.count} of its lines are not UTF-8 (broken on the way, or pasted from a file in another encoding)`
    : `the file mixes encodings: ${lines(utf8.count)} UTF-8 (${lineList(utf8, 5)}) and ${notUtf8.count} not (Windows-1251?)`;
  const listed = notUtf8.first.slice(0, Math.max(0, maxErrors - 1));
  return {
    errors: [
      { line: 0, reason: `${summary}; nothing was decoded: save the whole file in one encoding, UTF-8 or Windows-1251, and import it again` },
      ...listed.map((line) => ({ line, reason: 'is not valid UTF-8' })),
    ],
    moreErrors: notUtf8.count - listed.length,
  };
}
