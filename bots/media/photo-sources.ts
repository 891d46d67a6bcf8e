import type { PhotoSource } from '../../core/readings/index.ts';
import type { Attachment } from '../../models/models.ts';
import type { Config } from '../config.ts';
import { telegramPhotoSource } from '../telegram/photo-download.ts';
import { viberPhotoSource } from '../viber/photo-download.ts';

/** Where a flow gets the bytes of a photo the subscriber sent, whichever channel it came from. */
export interface PhotoSources {
  /** Null when the photo's channel is not running here. */
  sourceOf(photo: Attachment): PhotoSource | null;
}

export function photoSources(channels: { telegram?: Pick<NonNullable<Config['telegram']>, 'token' | 'apiRoot'> | undefined; viber?: boolean }): PhotoSources {
  const telegram = channels.telegram ? telegramPhotoSource(channels.telegram) : null;
  return {
    sourceOf(photo) {
      if (photo.channel === 'telegram') return telegram ? telegram(photo.ref) : null;
      return channels.viber ? viberPhotoSource(photo.ref) : null;
    },
  };
}
