export { meterChoices, checkReadingOpen, readingOpenFor, checkReadingValue, submitReading } from './submit.ts';
export { applyStaffCorrection } from './staff-correction.ts';
export { readingsForExport } from './export.ts';
export { isWindowOpen, nextOpenDay } from './window.ts';
export type * from './types.ts';
