export { startFakeSmsc, SERVICE_NUMBER, type FakeSmsc, type DeliverOptions } from '../../dev/fake-smsc/index.ts';
