import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { MediaAttachment } from '../../../bots/flows/chat.ts';
import { cabinetFlows } from '../../../bots/flows/index.ts';
import { createCabinet, type Flow, type FlowDeps } from '../../../bots/flows/router.ts';
import { FLOW_TIMEOUT_MS } from '../../../bots/flows/index.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { storeMedia } from '../../../core/media/store.ts';
import { channels } from '../../support/channels.ts';
import { aMember, useChannel } from '../cabinet/scenario.ts';

// The chat port's media reach both channels over their fakes: a photo with its caption (Telegram: an upload
// to sendPhoto; Viber: a picture message whose signed address the fake fetches), a document (sendDocument; a
// file message), and a caption too long to carry, which comes as a message of its own. «Допомога» is replaced
// by a flow that sends whatever the test puts in `next`.

function aPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([i % 255, 90, 200, 255], i);
  return PNG.sync.write(png);
}

const photo = aPng(120, 60);
const pdf = Buffer.from('%PDF-1.4\n% a document\n%%EOF\n');
let next: { text: string; kind: MediaAttachment['kind']; bytes: Buffer; contentType: string; filename: string };

const mediaFlow: Flow<null> = {
  id: 'test-media',
  async run(chat, deps) {
    const ref = await chat.step(() => storeMedia(deps.core, { contentType: next.contentType, filename: next.filename, bytes: next.bytes, keepMs: 3_600_000 }));
    await chat.say(next.text, { media: { kind: next.kind, mediaId: ref.id, filename: next.filename }, keyboard: 'menu' });
  },
};
const cabinet = (deps: FlowDeps) => createCabinet({ flows: { ...cabinetFlows, menu: { ...cabinetFlows.menu, help: mediaFlow } }, deps, timeoutMs: FLOW_TIMEOUT_MS });

describe.each(channels)('media through the chat port on $name', (kind) => {
  const stage = useChannel(kind, { cabinet });

  it('sends a photo with its caption, the menu under it', async () => {
    const { person } = await aMember(stage);
    next = { text: 'Графік споживання', kind: 'photo', bytes: photo, contentType: 'image/png', filename: 'chart.png' };
    const replies = await person.type(menu.help);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ text: 'Графік споживання', keyboard: 'menu', media: { kind: 'photo' } });
    expect(replies[0]!.media!.bytes.equals(photo)).toBe(true);
  });

  it('sends a document under its file name', async () => {
    const { person } = await aMember(stage);
    next = { text: 'Рахунок за листопад', kind: 'document', bytes: pdf, contentType: 'application/pdf', filename: 'rakhunok-2026-11.pdf' };
    const replies = await person.type(menu.help);
    const document = replies.find((r) => r.media);
    expect(document?.media).toMatchObject({ kind: 'document', filename: 'rakhunok-2026-11.pdf' });
    expect(document!.media!.bytes.equals(pdf)).toBe(true);
    expect(replies.map((r) => r.text).join('')).toContain('Рахунок за листопад');
    expect(replies.at(-1)!.keyboard).toBe('menu');
  });

  it('sends a caption too long for the platform as a message of its own', async () => {
    const { person } = await aMember(stage);
    const long = 'Дуже довгий підпис. '.repeat(60);
    next = { text: long, kind: 'photo', bytes: photo, contentType: 'image/png', filename: 'chart.png' };
    const replies = await person.type(menu.help);
    expect(replies.filter((r) => r.media)).toHaveLength(1);
    expect(replies.map((r) => r.text).join('')).toBe(long);
    expect(replies.at(-1)!.keyboard).toBe('menu');
  });
});
