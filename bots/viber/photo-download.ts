import type { PhotoSource } from '../../core/readings/index.ts';
import { boundedDownload } from '../media/bounded-download.ts';

// A picture a Viber subscriber sent comes as a media URL on Viber's storage, valid for a while: downloaded at
// once, within core's limit. The URL arrives in a callback whose signature was checked.
export const viberPhotoSource = (mediaUrl: string): PhotoSource => (maxBytes) => boundedDownload(mediaUrl, maxBytes);
