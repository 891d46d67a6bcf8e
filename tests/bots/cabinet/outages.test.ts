import { describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { getOutage } from '../../../core/outages/index.ts';
import { accounts } from '../../../bots/texts/accounts.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { outageCabinet } from '../../../bots/texts/outages.ts';
import { channels, choicesOf, keyboardOf, textsOf } from '../../support/channels.ts';
import { aLink } from '../../support/builders.ts';
import { anOutage } from '../../support/outage-chat-builders.ts';
import { anAccountAt } from '../../support/outages-builders.ts';
import { aMember, useChannel, type Stage } from './scenario.ts';

// The subscriber's side of outages, played the same on both channels: «Відключення», the account view, the
// planned-works toggle in settings, and an emergency letter answered at once from an address under an emergency.

const TZ = 'Europe/Kyiv';

describe.each(channels)('outages for a subscriber on $name', (kind) => {
  // 11:00 in Kyiv.
  const stage = useChannel(kind, { at: '2026-11-25T09:00:00Z' });

  async function atHome(stage: Stage, street: string, house: number) {
    const member = await aMember(stage);
    const home = await anAccountAt(stage.db, `м. Кам'янське, вул. ${street}, ${house}, кв. 3`);
    await aLink(stage.db, member.subscriber, home);
    return { ...member, home };
  }

  it('says there are none at the subscriber’s addresses, with the menu, while an outage elsewhere goes on', async () => {
    await anOutage(stage.world.core, { targets: [{ street: 'Дніпровська', houses: null }], startsAt: '2026-11-25T08:00:00.000Z', endsAt: '2026-11-25T16:00:00.000Z' });
    const { person } = await atHome(stage, 'Тиха', 4);
    const none = await person.type(menu.outages);
    expect(textsOf(none)).toEqual([outageCabinet.none]);
    expect(keyboardOf(none)).toBe('menu');
  });

  it('shows the outage in force and the next one at the subscriber’s addresses, naming the account', async () => {
    const { person, home } = await atHome(stage, 'Липова', 7);
    const now = await anOutage(stage.world.core, {
      targets: [{ street: 'Липова', houses: [{ from: 1, to: 9 }] }],
      startsAt: '2026-11-25T08:00:00.000Z',
      endsAt: '2026-11-25T16:00:00.000Z',
      text: 'Пошкодження на вводі.',
    });
    const next = await anOutage(stage.world.core, {
      kind: 'planned',
      targets: [{ street: 'Липова', houses: null }],
      startsAt: '2026-11-27T06:00:00.000Z',
      endsAt: '2026-11-27T14:00:00.000Z',
      affects: ['cold-water', 'sewage'],
      text: 'Заміна засувки.',
    });
    const shown = await person.type(menu.outages);
    const addressed = [{ accountId: home.id, number: home.number, address: home.address }];
    expect(textsOf(shown)).toEqual([
      [outageCabinet.header, outageCabinet.currentHeader, outageCabinet.line(now, addressed, TZ), outageCabinet.nextHeader, outageCabinet.line(next, addressed, TZ)].join('\n\n'),
    ]);
    const text = textsOf(shown)[0]!;
    expect(text).toContain(`${home.address} (рахунок ${home.number})`);
    expect(text).toContain('З 25.11.2026 о 10:00 до 25.11.2026 о 18:00');
    expect(text).toContain('Не буде: холодне водопостачання, водовідведення (каналізація)');
    expect(keyboardOf(shown)).toBe('menu');

    // The account's own view says what is in force now.
    await person.type(menu.accounts);
    const view = await person.press(accounts.accountButton(home.number, home.address));
    expect(textsOf(view)[0]).toContain(outageCabinet.inForceOnAccount(now, TZ));
    expect(textsOf(view)[0]).toContain('⚠️ Зараз аварійне відключення (холодне водопостачання) до 25.11.2026 о 18:00.');
  });

  it('no longer shows an outage once it is closed', async () => {
    const { person } = await atHome(stage, 'Каштанова', 2);
    const outage = await anOutage(stage.world.core, { targets: [{ street: 'Каштанова', houses: null }], startsAt: '2026-11-25T08:00:00.000Z' });
    expect(textsOf(await person.type(menu.outages))[0]).toContain(outageCabinet.header);
    const { closeOutage } = await import('../../../core/outages/index.ts');
    await closeOutage(stage.world.core, outage.id);
    expect((await getOutage(stage.world.core, outage.id))!.status).toBe('closed');
    expect(textsOf(await person.type(menu.outages))).toEqual([outageCabinet.none]);
  });

  it('turns planned-works notices off and on in settings (emergencies stay on)', async () => {
    const { person, subscriber } = await aMember(stage);
    const optedOut = async () =>
      (await stage.db.sequelize.query(`SELECT 1 FROM outage_planned_optouts WHERE subscriber_id = :id`, { replacements: { id: subscriber.id }, type: QueryTypes.SELECT })).length === 1;
    const shown = await person.type(menu.settings);
    expect(textsOf(shown)[0]).toContain(outageCabinet.plannedLine(true));
    expect(choicesOf(shown)).toContain(outageCabinet.plannedOffButton);
    const off = await person.press(outageCabinet.plannedOffButton);
    expect(textsOf(off)).toEqual([outageCabinet.plannedOff]);
    expect(keyboardOf(off)).toBe('menu');
    expect(await optedOut()).toBe(true);

    const again = await person.type(menu.settings);
    expect(textsOf(again)[0]).toContain(outageCabinet.plannedLine(false));
    const on = await person.press(outageCabinet.plannedOnButton);
    expect(textsOf(on)).toEqual([outageCabinet.plannedOn]);
    expect(await optedOut()).toBe(false);
  });

  it('answers an emergency letter from an address under an announced emergency at once, with its details', async () => {
    const { person, subscriber } = await atHome(stage, 'Вишнева', 11);
    const outage = await anOutage(stage.world.core, {
      targets: [{ street: 'Вишнева', houses: [{ from: 1, to: 20 }] }],
      startsAt: '2026-11-25T08:30:00.000Z',
      endsAt: '2026-11-25T15:00:00.000Z',
      text: 'Прорив на магістралі.',
    });
    await person.type(menu.letter);
    await person.press(letters.categories.emergency);
    await person.type('Немає води');
    await person.press(letters.noPhotosButton);
    const sent = await person.press(letters.sendButton);
    const [letter] = await stage.db.models.Letter.findAll({ where: { subscriberId: subscriber.id } });
    expect(textsOf(sent)).toEqual([`${letters.stored(letter!.id)}\n\n${outageCabinet.emergencyKnown(outage, TZ)}`]);
    expect(textsOf(sent)[0]).toContain('аварійне відключення (холодне водопостачання) до 25.11.2026 о 17:00');
    expect(textsOf(sent)[0]).toContain('Прорив на магістралі.');

    // A leak letter with no emergency at the address is only stored.
    const { person: elsewhere, subscriber: other } = await atHome(stage, 'Березова', 2);
    await elsewhere.type(menu.letter);
    await elsewhere.press(letters.categories.emergency);
    await elsewhere.type('Тече труба');
    await elsewhere.press(letters.noPhotosButton);
    const plain = await elsewhere.press(letters.sendButton);
    const [otherLetter] = await stage.db.models.Letter.findAll({ where: { subscriberId: other.id } });
    expect(textsOf(plain)).toEqual([letters.stored(otherLetter!.id)]);
  });
});
