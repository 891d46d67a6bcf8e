import { localDate } from '../../core/calendar.ts';
import { runReminderPass } from '../../core/reminders/pass.ts';
import { manualSlot } from '../../core/reminders/slot.ts';
import type { ReminderDeps, ReminderRunSummary } from '../../core/reminders/types.ts';

export const SEND_REMINDERS_USAGE = `send-reminders [--slot SLOT]
  One reminders pass now, under the same once-only claims as the schedule. The slot defaults to
  'manual-YYYY-MM-DD' (today in REMINDER_TZ): running it again the same day sends only what failed or never
  went. --slot 2026-11-20T10:00 finishes a scheduled slot instead (e.g. one that stopped on an error).
  Quiet hours apply: a run in them sends nothing.`;

/**
 * The `send-reminders` command: returns the process exit code (0 when the pass ran, even if it stopped for quiet
 * hours; 2 for bad arguments). `write` prints one line (the CLI passes console.log).
 */
export async function sendRemindersCommand(
  deps: ReminderDeps,
  args: readonly string[],
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  let slot: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--slot' && args[i + 1]) slot = args[++i];
    else if (arg.startsWith('--slot=')) slot = arg.slice('--slot='.length);
    else {
      write(`unknown argument: ${arg}\n\n${SEND_REMINDERS_USAGE}`);
      return 2;
    }
  }
  slot ??= manualSlot(localDate(deps.clock.now(), deps.settings.timeZone));
  const summary = await runReminderPass(deps, { slot });
  write(describe(summary));
  return 0;
}

function describe(s: ReminderRunSummary): string {
  const ending =
    s.outcome === 'quiet-hours'
      ? ' (stopped: quiet hours; the rest waits for the next slot)'
      : s.outcome === 'unsettled'
        ? ' (some claims of a sender that died are not settled yet: they are sent again once their lease is over)'
        : '';
  return (
    `reminders ${s.slot} for ${s.period.slice(0, 7)}: ${s.outcome}${ending}\n` +
    `  due ${s.due}, sent ${s.sent}, failed ${s.failed}, blocked ${s.blocked}, skipped ${s.skipped}, ` +
    `already sent ${s.alreadyDone}, 429s waited out ${s.rateLimited}`
  );
}
