export * from '../../../dev/fake-liqpay/index.ts';
