export * from '../../../bots/playground/telegram-api/faults.ts';
