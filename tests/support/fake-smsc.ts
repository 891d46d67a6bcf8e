export { startFakeSmsc, type FakeSmsc, type DeliverOptions } from '../../dev/fake-smsc/index.ts';
