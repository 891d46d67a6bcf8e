export {
  meterChoices,
  checkReadingOpen,
  readingOpenFor,
  checkReadingValue,
  checkMeterReadingValue,
  submitReading,
  submitMeterReading,
} from './submit.ts';
export { metersOfAccounts } from './linked-meters.ts';
export { applyStaffCorrection } from './staff-correction.ts';
export { readingsForExport } from './export.ts';
export { isWindowOpen, nextOpenDay } from './window.ts';
export { attachReadingPhoto, latestMeterPhotos, readingPhotos, photoMime, photoExtension } from './photos.ts';
export type { MeterPhotoView, PhotoSource, FetchedPhoto, PhotoRefusal, AttachPhotoOutcome, StoredReadingPhoto, PhotoMime } from './photos.ts';
export type * from './types.ts';
