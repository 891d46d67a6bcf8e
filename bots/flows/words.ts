/** Typed words compared the way people type them: case, spaces and the apostrophe variants do not matter. */
export function sameWords(a: string, b: string): boolean {
  return normalWords(a) === normalWords(b);
}

export function normalWords(s: string): string {
  return s.trim().toLocaleLowerCase('uk').replace(/[’'ʼ`]/g, "'").replace(/\s+/g, ' ');
}
