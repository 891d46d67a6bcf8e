export * from '../../../bots/playground/telegram-api/server.ts';
