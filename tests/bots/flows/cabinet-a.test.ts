import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cabinetFlows } from '../../../bots/flows/index.ts';
import { createCabinet, type Turn } from '../../../bots/flows/router.ts';
import type { ChatOutput, FlowState, Incoming } from '../../../bots/flows/runner.ts';
import type { Event } from '../../../bots/flows/chat.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { getSubscriber } from '../../../core/subscribers.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anAccount, aSubscriber } from '../../support/builders.ts';
import type { Said } from '../../support/flow-driver.ts';
import { flowDeps } from './flow-deps.ts';

// These flows behind the router, as an adapter drives them: the consent gate, resuming the waiting flow, /start.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-12-04T10:00:00Z';

describe('onboarding, start and settings behind the router', () => {
  it('takes a newcomer from /start through consent and the phone to a linked account, then welcomes them back', async () => {
    const deps = flowDeps(db, NOW);
    const cabinet = createCabinet({
      flows: cabinetFlows,
      deps,
      timeoutMs: 30 * 60_000,
    });
    const subscriber = await aSubscriber(db, { name: 'Ірина', consented: false });
    const account = await anAccount(db, { phone: '380671239999' });
    const said: Said[] = [];
    const out: ChatOutput = {
      channel: 'telegram',
      subscriberId: subscriber.id,
      async send(text, options, prompt) {
        said.push({ text, options, prompt });
      },
    };
    let stored: string | null = null;
    const handle = async (event: Turn['event']) => {
      const state = stored ? (JSON.parse(stored) as FlowState) : null;
      const view = (await getSubscriber(deps.core, subscriber.id))!;
      const next = await cabinet.handle({ out, subscriber: view, state, event, now: Date.parse(NOW) });
      stored = next ? JSON.stringify(next) : null;
    };
    const press = (id: string) => handle({ kind: 'incoming', incoming: { kind: 'press', prompt: said.findLast((s) => s.prompt > 0)!.prompt, id } satisfies Incoming });
    const intent = (event: Event) => handle(event);

    await intent({ kind: 'intent', intent: { kind: 'start', payload: null } });
    expect(said.at(-1)!.text.startsWith(onboarding.greeting('Ірино'))).toBe(true);
    await press('agree');
    expect(said.at(-1)!.options.keyboard).toBe('contact');
    await handle({ kind: 'input', input: { kind: 'contact', phone: '380671239999', verified: true } });
    expect(said.at(-1)!.options.choices!.flat().map((c) => c.id)).toEqual([`o:${account.id}`, 'other', 'done']);
    await press(`o:${account.id}`);
    expect(said.at(-1)!.text).toBe(linking.linked(account.number, account.address));
    expect(stored).toBeNull();

    await intent({ kind: 'intent', intent: { kind: 'start', payload: null } });
    expect(said.at(-1)!.text).toBe(onboarding.welcomeBack('Ірино'));
  });
});
