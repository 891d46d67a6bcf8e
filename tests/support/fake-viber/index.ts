export * from '../../../bots/playground/viber-api/index.ts';
