import type { Express } from 'express';
import type { CoreDeps } from '../../core/deps.ts';
import { loadMedia } from '../../core/media/store.ts';
import { MEDIA_PATH, type MediaLinks } from './links.ts';

// Serves stored media at their signed addresses (links.ts). Every refusal is the same bare 404 (unknown id,
// bad signature, expired link or media), so the answer tells a prober nothing.

export function mountMediaRoute(app: Express, deps: { core: Pick<CoreDeps, 'db' | 'clock'>; links: MediaLinks }): void {
  app.get(`${MEDIA_PATH}/:id/:expires/:file`, async (req, res, next) => {
    try {
      const file = /^([A-Za-z0-9_-]+)\.[a-z0-9]{1,5}$/.exec(req.params.file);
      const id = file ? deps.links.verify({ id: req.params.id, expires: req.params.expires, signature: file[1]! }) : null;
      const media = id ? await loadMedia(deps.core, id) : null;
      if (!media) {
        res.status(404).type('text/plain').send('not found');
        return;
      }
      res
        .status(200)
        .set({
          'Content-Type': media.contentType,
          'Content-Length': String(media.size),
          'Cache-Control': 'private, max-age=3600',
          'X-Content-Type-Options': 'nosniff',
          'Content-Disposition': `${media.contentType.startsWith('image/') ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(media.filename)}`,
        })
        .end(media.bytes);
    } catch (error) {
      next(error);
    }
  });
}
