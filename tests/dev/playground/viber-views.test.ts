import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeViber, type FakeViber } from '../../../dev/fake-viber/index.ts';
import { VIBER_MEDIA_ROUTE, viberChatView } from '../../../dev/playground/viber-views.ts';

// The page shows what the bot sent on Viber as the subscriber sees it: a picture as an image, a file as a link
// to download, both from the stand-in's copies (fetched from the bot's addresses when they were sent).

let viber: FakeViber;
beforeAll(async () => {
  viber = await startFakeViber({ authToken: 'views-token' });
});
afterAll(async () => {
  await viber.close();
});

async function send(body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${viber.apiUrl}/send_message`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Viber-Auth-Token': viber.authToken },
    body: JSON.stringify({ receiver: 'pg-1', sender: { name: 'Водоканал' }, ...body }),
  });
  return ((await response.json()) as { status: number }).status;
}

describe('the playground’s Viber chat', () => {
  it('shows a picture the bot sent as an image and a file as a download, from the stand-in’s copies', async () => {
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 7)]);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    // The bot's own addresses, as the app serves them; here the stand-in's media store stands in for the app.
    expect(await send({ type: 'picture', text: 'Графік споживання', media: viber.addMedia(png, 'image/png') })).toBe(0);
    expect(await send({ type: 'file', media: viber.addMedia(pdf, 'application/pdf'), size: pdf.length, file_name: 'rakhunok.pdf' })).toBe(0);
    const [picture, file] = viberChatView(viber, 'pg-1', 'Оксана').messages;
    expect(picture).toMatchObject({ byBot: true, caption: 'Графік споживання' });
    expect(picture!.photoUrl).toMatch(new RegExp(`^${VIBER_MEDIA_ROUTE}`));
    expect(file!.document).toMatchObject({ name: 'rakhunok.pdf' });
    const name = decodeURIComponent(file!.document!.url.slice(VIBER_MEDIA_ROUTE.length));
    expect(viber.media(`${viber.mediaBase}${name}`)?.bytes.equals(pdf)).toBe(true);
  });
});
