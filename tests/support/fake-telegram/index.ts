export * from '../../../dev/fake-telegram/index.ts';
