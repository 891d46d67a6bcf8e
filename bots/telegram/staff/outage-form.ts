import { parseOutageTargets, type OutageTarget, type TargetProblem } from '../../../core/addresses/targets.ts';
import type { CoreDeps } from '../../../core/deps.ts';
import {
  announceOutage,
  closeOutage,
  OUTAGE_AFFECTS,
  OUTAGE_TEXT_MAX,
  previewOutage,
  updateOutage,
  type DraftProblem,
  type OutageAffect,
  type OutageDraft,
  type OutageKind,
} from '../../../core/outages/index.ts';
import { parseEndInput, parsePeriodInput } from '../../../core/outages/period-input.ts';
import { codePointLength } from '../../../core/text.ts';
import type { Chat, Choice, FlowDefinition } from '../../flows/chat.ts';
import { askText, choose } from '../../flows/kit.ts';
import { outageDesk } from '../../texts/outages.ts';

// The staff group's outage forms, written against the same chat port and replay runner as the subscribers'
// flows: each answer is kept in PostgreSQL between messages (outages.ts stores the state with the update's
// claim), the core calls run in recorded steps, and the step's key makes «Надіслати» pressed twice (or on two
// instances) announce once. The rules — reading the addresses and the time, who is reached — are core's.

export interface OutageFormDeps {
  core: CoreDeps;
  /** Posts the outage's card (its update and close buttons) into the group; called once, in a recorded step. */
  postCard(outageId: number): Promise<void>;
  /** Draws the card the form was started from again (the new end, «закрито» without buttons). */
  redrawCard(outageId: number, messageId: number): Promise<void>;
}

export type OutageFlow<Args> = FlowDefinition<OutageFormDeps, Args>;

const AFFECTS = OUTAGE_AFFECTS;

const draftRefused = (problems: readonly DraftProblem[]) => outageDesk.draftRefused(problems.map((p) => outageDesk.draftProblem[p.kind] ?? p.kind));

function problemText(problem: TargetProblem): string {
  const p = outageDesk.targetProblem;
  switch (problem.kind) {
    case 'empty':
      return p.empty;
    case 'no-street':
      return p.noStreet(problem.part);
    case 'bad-houses':
      return p.badHouses(problem.street, problem.houses);
    case 'repeated-street':
      return p.repeatedStreet(problem.street);
  }
}

async function askTargets(chat: Chat): Promise<OutageTarget[]> {
  let prompt: string = outageDesk.askTargets;
  for (;;) {
    const text = await askText(chat, prompt, { hint: outageDesk.targetsHint });
    const parsed = parseOutageTargets(text);
    if (parsed.ok) return parsed.targets;
    prompt = outageDesk.targetsRefused(parsed.problems.map(problemText));
  }
}

async function askPeriod(chat: Chat, core: CoreDeps): Promise<{ startsAt: string; endsAt: string }> {
  let prompt: string = outageDesk.askPeriod;
  for (;;) {
    const text = await askText(chat, prompt, { hint: outageDesk.periodHint });
    // The clock decides "today": read through a step, so a replay takes the same answer.
    const period = await chat.step(async () => parsePeriodInput(text, core.clock.now(), core.settings.timeZone));
    if (period.kind === 'period') return { startsAt: period.startsAt, endsAt: period.endsAt };
    prompt = outageDesk.periodRefused[period.kind];
  }
}

async function askAffects(chat: Chat): Promise<OutageAffect[]> {
  const on = new Set<OutageAffect>();
  let prompt: string = outageDesk.askAffects;
  for (;;) {
    const rows: Choice[][] = [...AFFECTS.map((a) => [{ id: a, label: outageDesk.affectButton(a, on.has(a)) }]), [{ id: 'next', label: outageDesk.nextButton }]];
    const picked = await choose(chat, prompt, rows);
    if (picked === 'next') {
      if (on.size > 0) return AFFECTS.filter((a) => on.has(a));
      prompt = outageDesk.affectsNone;
      continue;
    }
    const affect = picked as OutageAffect;
    if (on.has(affect)) on.delete(affect);
    else on.add(affect);
    prompt = outageDesk.askAffects;
  }
}

async function askOutageText(chat: Chat): Promise<string> {
  let prompt = outageDesk.askText(OUTAGE_TEXT_MAX);
  for (;;) {
    const text = (await askText(chat, prompt, { hint: outageDesk.textHint })).trim();
    const length = codePointLength(text);
    if (length === 0) prompt = outageDesk.textEmpty;
    else if (length > OUTAGE_TEXT_MAX) prompt = outageDesk.textTooLong(OUTAGE_TEXT_MAX, length);
    else return text;
  }
}

/** /outage: the addresses, planned or emergency, from–to, what is affected, the text; the reach; «Надіслати». */
export const announceOutageForm: OutageFlow<{ by: string }> = {
  id: 'staff-outage',
  async run(chat, { core, postCard }, { by }) {
    const targets = await askTargets(chat);
    const kind = (await choose(chat, outageDesk.askKind, [
      [
        { id: 'planned', label: outageDesk.kindButtons.planned },
        { id: 'emergency', label: outageDesk.kindButtons.emergency },
      ],
    ])) as OutageKind;
    const { startsAt, endsAt } = await askPeriod(chat, core);
    const affects = await askAffects(chat);
    const text = await askOutageText(chat);
    const draft: OutageDraft = { targets, kind, startsAt, endsAt, affects, text };
    const preview = await chat.step(() => previewOutage(core, draft));
    // The form checked each answer; core checks the whole again (the clock moved on while staff typed).
    if (preview.kind === 'invalid') return chat.say(draftRefused(preview.problems));
    const decision = await choose(chat, outageDesk.preview(draft, preview.reach, core.settings.timeZone), [
      [
        { id: 'send', label: outageDesk.sendButton },
        { id: 'cancel', label: outageDesk.cancelButton },
      ],
    ]);
    if (decision === 'cancel') return chat.say(outageDesk.cancelled);
    const outcome = await chat.step((key) => announceOutage(core, draft, { idempotencyKey: key, by }));
    if (outcome.kind === 'invalid') return chat.say(draftRefused(outcome.problems));
    if (outcome.kind === 'already-announced') return chat.say(outageDesk.alreadyAnnounced(outcome.outage.id));
    await chat.say(outageDesk.announced(outcome.outage.id));
    await chat.step(async () => (await postCard(outcome.outage.id), null));
  },
};

/** The card's «Змінити час завершення»: the new end, then the update to the subscribers it concerns. */
export const outageEndForm: OutageFlow<{ outageId: number; startsAt: string; endsAt: string | null; cardMessageId: number | null }> = {
  id: 'staff-outage-end',
  async run(chat, { core, redrawCard }, { outageId, startsAt, endsAt, cardMessageId }) {
    const tz = core.settings.timeZone;
    let prompt = outageDesk.askNewEnd(outageId, endsAt, tz);
    for (;;) {
      const text = await askText(chat, prompt, { hint: outageDesk.endHint });
      const end = await chat.step(async () => parseEndInput(text, startsAt, core.clock.now(), tz));
      if (end.kind !== 'end') {
        prompt = outageDesk.endRefused[end.kind];
        continue;
      }
      const outcome = await chat.step(() => updateOutage(core, outageId, { endsAt: end.endsAt }));
      if (cardMessageId !== null && outcome.kind === 'updated') await chat.step(async () => (await redrawCard(outageId, cardMessageId), null));
      switch (outcome.kind) {
        case 'updated':
          return chat.say(outageDesk.updated(outageId, end.endsAt, tz));
        case 'unchanged':
          return chat.say(outageDesk.unchanged(outageId));
        case 'closed':
          return chat.say(outageDesk.alreadyClosed(outageId));
        case 'invalid':
          return chat.say(draftRefused(outcome.problems));
        case 'not-found':
          return chat.say(outageDesk.notFound);
      }
    }
  },
};

/** The card's «Воду відновлено», after a confirmation: a misplaced press must not tell thousands of people. */
export const closeOutageForm: OutageFlow<{ outageId: number; cardMessageId: number | null }> = {
  id: 'staff-outage-close',
  async run(chat, { core, redrawCard }, { outageId, cardMessageId }) {
    const answer = await choose(chat, outageDesk.confirmClose(outageId), [
      [
        { id: 'yes', label: outageDesk.confirmCloseButton },
        { id: 'no', label: outageDesk.keepOpenButton },
      ],
    ]);
    if (answer === 'no') return chat.say(outageDesk.keptOpen(outageId));
    const outcome = await chat.step(() => closeOutage(core, outageId));
    if (cardMessageId !== null && outcome.kind !== 'not-found') await chat.step(async () => (await redrawCard(outageId, cardMessageId), null));
    await chat.say(outcome.kind === 'closed' ? outageDesk.closed(outageId) : outcome.kind === 'already-closed' ? outageDesk.alreadyClosed(outageId) : outageDesk.notFound);
  },
};

export const outageForms: readonly OutageFlow<any>[] = [announceOutageForm, outageEndForm, closeOutageForm];
