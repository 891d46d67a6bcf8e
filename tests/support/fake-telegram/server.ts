export * from '../../../dev/fake-telegram/server.ts';
