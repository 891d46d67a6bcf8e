import type { OnlinePayment } from '../payments/listings.ts';
import type { Channel } from '../../models/models.ts';

export type { CoreDeps } from '../deps.ts';

export interface MeterSummary {
  meterId: number;
  serial: string;
  service: string;
  place: string;
  /** The newest of billing's last reading and the latest accepted reading. */
  lastValue: number;
  lastValueDate: string | null;
  verificationDue: string | null;
}

export interface AccountSummary {
  accountId: number;
  number: string;
  address: string;
  /** Surname and initials only ("Шевченко Т. Г."): enough to recognise one's own account, not to learn a stranger's name. */
  holder: string;
  balanceKop: number;
  meters: MeterSummary[];
}

/** An account whose billing phone is the subscriber's own verified phone: offered for linking without a proof. */
export interface AccountOffer {
  accountId: number;
  number: string;
  address: string;
}

export interface StaffAccountView {
  accountId: number;
  number: string;
  /** Staff see the full name: they talk to the holder. */
  holder: string;
  address: string;
  balanceKop: number;
  phoneMasked: string | null;
  meters: MeterSummary[];
  linkedSubscribers: { subscriberId: number; channel: Channel; name: string; phoneMasked: string | null; linkedVia: string }[];
  /** The latest payments made in the cabinet, whether billing has booked them, refunds marked. */
  onlinePayments: OnlinePayment[];
}
