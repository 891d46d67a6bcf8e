export * from '../../../bots/playground/telegram-api/index.ts';
