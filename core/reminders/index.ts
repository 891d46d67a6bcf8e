export { runReminderPass, type ReminderPassOptions } from './pass.ts';
export { lastReminderRun, unfinishedSlotsOn } from './runs.ts';
export { scheduledSlot, manualSlot, slotDay, isQuietHour } from './slot.ts';
export { defaultReminderSettings } from './types.ts';
export type * from './types.ts';
