export * from '../../../dev/fake-telegram/faults.ts';
