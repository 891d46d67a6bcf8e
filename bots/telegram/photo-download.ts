import type { PhotoSource } from '../../core/readings/index.ts';
import { boundedDownload, DOWNLOAD_TIMEOUT_MS } from '../media/bounded-download.ts';

// A photo a Telegram subscriber sent, by its file_id: getFile gives its size and path, and the file is downloaded
// from `<api root>/file/bot<token>/<path>`. The Bot API hands bots files of at most 20 MB (getFile answers
// "file is too big" above it); core's own limit is usually lower and is checked against the declared size first.

const TELEGRAM_API = 'https://api.telegram.org';

export function telegramPhotoSource(telegram: { token: string; apiRoot?: string | undefined }): (fileId: string) => PhotoSource {
  const root = telegram.apiRoot ?? TELEGRAM_API;
  return (fileId) => async (maxBytes) => {
    let file: { ok: boolean; description?: string; result?: { file_size?: number; file_path?: string } };
    try {
      const response = await fetch(`${root}/bot${telegram.token}/getFile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ file_id: fileId }),
        signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
      });
      file = (await response.json()) as typeof file;
    } catch {
      return { kind: 'unavailable' };
    }
    if (!file.ok) return /too big/i.test(file.description ?? '') ? { kind: 'too-big' } : { kind: 'unavailable' };
    const { file_size: size, file_path: path } = file.result ?? {};
    if (size !== undefined && size > maxBytes) return { kind: 'too-big' };
    if (!path) return { kind: 'unavailable' };
    return boundedDownload(`${root}/file/bot${telegram.token}/${path.split('/').map(encodeURIComponent).join('/')}`, maxBytes);
  };
}
