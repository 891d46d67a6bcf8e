export * from '../../../dev/fake-viber/index.ts';
