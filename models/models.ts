import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelAttributes,
  type ModelStatic,
  type Sequelize,
} from 'sequelize';

// The schema itself lives in migrations/; these models only describe it to Sequelize (never `sync()`).

export type Channel = 'telegram' | 'viber';
/** How a reading came in: a messenger, or an SMS from a registered phone (no subscriber or letter is ever 'sms'). */
export type ReadingChannel = Channel | 'sms';
/** How a link was made; 'channel-link': carried over from the same person's chat on another channel (core/identity). */
export type ProofMethod = 'payment' | 'surname' | 'phone' | 'channel-link';
export type LetterCategory = 'question' | 'data-correction' | 'reading-correction' | 'emergency' | 'service-request';
export type LetterStatus = 'new' | 'answered' | 'closed';

export interface Attachment {
  kind: 'photo';
  /** The channel's own reference: a Telegram file_id, or a Viber media URL. */
  ref: string;
  channel: Channel;
}

export interface ReadingCorrection {
  meterId: number;
  meterSerial: string;
  lastValue: number;
  requestedValue: number;
}

export class Account extends Model<InferAttributes<Account>, InferCreationAttributes<Account>> {
  declare id: CreationOptional<number>;
  declare number: string;
  declare surname: string;
  declare givenNames: string;
  declare address: string;
  declare balanceKop: number;
  declare phone: string | null;
  declare updatedAt: CreationOptional<Date>;
}

export class Meter extends Model<InferAttributes<Meter>, InferCreationAttributes<Meter>> {
  declare id: CreationOptional<number>;
  declare accountId: ForeignKey<number>;
  declare serial: string;
  declare service: string;
  declare place: string;
  declare lastReading: number;
  declare lastReadingDate: string | null;
  declare verificationDue: string | null;
  declare digits: number;
}

/** Its key is the whole row: billing gives no payment id, and an amount paid on a day is one payment. */
export class Payment extends Model<InferAttributes<Payment>, InferCreationAttributes<Payment>> {
  declare accountId: number;
  declare paidOn: string;
  declare amountKop: number;
}

export class Charge extends Model<InferAttributes<Charge>, InferCreationAttributes<Charge>> {
  declare id: CreationOptional<number>;
  declare accountId: number;
  declare period: string;
  declare service: string;
  declare volumeM3: string;
  declare amountKop: number;
}

export class Subscriber extends Model<InferAttributes<Subscriber>, InferCreationAttributes<Subscriber>> {
  declare id: CreationOptional<number>;
  declare channel: Channel;
  declare channelUserId: string;
  declare name: CreationOptional<string>;
  declare phone: CreationOptional<string | null>;
  declare phoneUnverified: CreationOptional<string | null>;
  declare phoneDeferredAt: CreationOptional<Date | null>;
  declare consentedAt: CreationOptional<Date | null>;
  declare remindersEnabled: CreationOptional<boolean>;
  declare blockedAt: CreationOptional<Date | null>;
  declare lastInboundAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
}

export class Link extends Model<InferAttributes<Link>, InferCreationAttributes<Link>> {
  declare subscriberId: number;
  declare accountId: number;
  declare method: ProofMethod;
  declare createdAt: CreationOptional<Date>;
}

export class OwnershipAttempt extends Model<InferAttributes<OwnershipAttempt>, InferCreationAttributes<OwnershipAttempt>> {
  declare id: CreationOptional<number>;
  declare subscriberId: number | null;
  declare accountNumber: string;
  declare method: ProofMethod;
  declare result: 'success' | 'mismatch' | 'refused';
  declare limitFired: string | null;
  declare createdAt: CreationOptional<Date>;
}

export type LockScope = 'pair' | 'subscriber-day' | 'subscriber-month' | 'account';

export class OwnershipLock extends Model<InferAttributes<OwnershipLock>, InferCreationAttributes<OwnershipLock>> {
  declare id: CreationOptional<number>;
  declare scope: LockScope;
  declare subscriberId: number | null;
  declare accountNumber: string | null;
  declare lockedUntil: Date;
  declare createdAt: CreationOptional<Date>;
}

export class SecurityAlert extends Model<InferAttributes<SecurityAlert>, InferCreationAttributes<SecurityAlert>> {
  declare id: CreationOptional<number>;
  declare kind: string;
  declare bucket: Date;
  declare details: CreationOptional<Record<string, unknown>>;
  declare createdAt: CreationOptional<Date>;
}

export class Reading extends Model<InferAttributes<Reading>, InferCreationAttributes<Reading>> {
  declare id: CreationOptional<number>;
  declare meterId: number;
  declare value: number;
  declare localDate: string;
  declare submittedAt: CreationOptional<Date>;
  declare subscriberId: number | null;
  declare channel: ReadingChannel | 'staff';
  declare kind: CreationOptional<'subscriber' | 'staff-correction'>;
  declare staffName: CreationOptional<string | null>;
  declare letterId: CreationOptional<number | null>;
}

export class Letter extends Model<InferAttributes<Letter>, InferCreationAttributes<Letter>> {
  declare id: CreationOptional<number>;
  declare subscriberId: number | null;
  declare accountId: number | null;
  declare channel: Channel;
  declare category: LetterCategory;
  declare text: string;
  declare attachments: CreationOptional<Attachment[]>;
  declare correction: CreationOptional<ReadingCorrection | null>;
  declare status: CreationOptional<LetterStatus>;
  declare createdAt: CreationOptional<Date>;
  declare answeredAt: CreationOptional<Date | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare closedBy: CreationOptional<string | null>;
}

export class LetterMessage extends Model<InferAttributes<LetterMessage>, InferCreationAttributes<LetterMessage>> {
  declare id: CreationOptional<number>;
  declare letterId: number;
  declare author: 'subscriber' | 'staff' | 'note';
  declare staffName: CreationOptional<string | null>;
  declare text: CreationOptional<string>;
  declare attachments: CreationOptional<Attachment[]>;
  declare createdAt: CreationOptional<Date>;
}

export class OutboxMessage extends Model<InferAttributes<OutboxMessage>, InferCreationAttributes<OutboxMessage>> {
  declare id: CreationOptional<number>;
  declare kind: string;
  declare payload: Record<string, unknown>;
  declare dedupeKey: string | null;
  declare status: CreationOptional<'pending' | 'sent' | 'failed'>;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: CreationOptional<Date>;
  declare lastError: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare sentAt: CreationOptional<Date | null>;
}

export interface Models {
  Account: typeof Account;
  Meter: typeof Meter;
  Payment: typeof Payment;
  Charge: typeof Charge;
  Subscriber: typeof Subscriber;
  Link: typeof Link;
  OwnershipAttempt: typeof OwnershipAttempt;
  OwnershipLock: typeof OwnershipLock;
  SecurityAlert: typeof SecurityAlert;
  Reading: typeof Reading;
  Letter: typeof Letter;
  LetterMessage: typeof LetterMessage;
  OutboxMessage: typeof OutboxMessage;
}

// Factories, not shared objects: Sequelize writes the column name into each attribute definition it is given.
const id = () => ({ type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true });
const text = (allowNull = false) => ({ type: DataTypes.TEXT, allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const day = (allowNull = false) => ({ type: DataTypes.DATEONLY, allowNull });
const moment = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });
const json = () => ({ type: DataTypes.JSONB, allowNull: false });
// Columns the database fills by default get the same default here, or Sequelize's not-null check refuses them.
const now = () => ({ type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW });
const withDefault = <T extends object>(column: T, defaultValue: unknown) => ({ ...column, defaultValue });

/**
 * Model classes are module-level (so core can name them in types) but each database binds its own
 * copies; a test that opens a second database gets models bound to it.
 */
export function initModels(sequelize: Sequelize): Models {
  const bind = <M>(base: M, tableName: string, attributes: ModelAttributes): M => {
    const Base = base as unknown as ModelStatic<Model>;
    const bound = class extends Base {};
    Object.defineProperty(bound, 'name', { value: Base.name });
    bound.init(attributes, { sequelize, tableName, modelName: Base.name, underscored: true, timestamps: false });
    return bound as unknown as M;
  };

  const models: Models = {
    Account: bind(Account, 'accounts', {
      id: id(), number: text(), surname: text(), givenNames: withDefault(text(), ''), address: text(), balanceKop: withDefault(int(), 0),
      phone: text(true), updatedAt: now(),
    }),
    Meter: bind(Meter, 'meters', {
      id: id(), accountId: int(), serial: text(), service: text(), place: withDefault(text(), ''), lastReading: int(),
      lastReadingDate: day(true), verificationDue: day(true), digits: int(),
    }),
    Payment: bind(Payment, 'payments', {
      accountId: { ...int(), primaryKey: true }, paidOn: { ...day(), primaryKey: true }, amountKop: { ...int(), primaryKey: true },
    }),
    Charge: bind(Charge, 'charges', {
      id: id(), accountId: int(), period: day(), service: text(), volumeM3: { type: DataTypes.DECIMAL(12, 3) }, amountKop: int(),
    }),
    Subscriber: bind(Subscriber, 'subscribers', {
      id: id(), channel: text(), channelUserId: text(), name: withDefault(text(), ''), phone: text(true), phoneUnverified: text(true),
      phoneDeferredAt: moment(true), consentedAt: moment(true),
      remindersEnabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true }, blockedAt: moment(true),
      lastInboundAt: moment(true), createdAt: now(),
    }),
    Link: bind(Link, 'links', {
      subscriberId: { ...int(), primaryKey: true }, accountId: { ...int(), primaryKey: true }, method: text(), createdAt: now(),
    }),
    OwnershipAttempt: bind(OwnershipAttempt, 'ownership_attempts', {
      id: id(), subscriberId: int(true), accountNumber: text(), method: text(), result: text(), limitFired: text(true), createdAt: now(),
    }),
    OwnershipLock: bind(OwnershipLock, 'ownership_locks', {
      id: id(), scope: text(), subscriberId: int(true), accountNumber: text(true), lockedUntil: moment(), createdAt: now(),
    }),
    SecurityAlert: bind(SecurityAlert, 'security_alerts', { id: id(), kind: text(), bucket: moment(), details: withDefault(json(), {}), createdAt: now() }),
    Reading: bind(Reading, 'readings', {
      id: id(), meterId: int(), value: int(), localDate: day(), submittedAt: now(), subscriberId: int(true), channel: text(),
      kind: withDefault(text(), 'subscriber'), staffName: text(true), letterId: int(true),
    }),
    Letter: bind(Letter, 'letters', {
      id: id(), subscriberId: int(true), accountId: int(true), channel: text(), category: text(), text: text(), attachments: withDefault(json(), []),
      correction: { type: DataTypes.JSONB, allowNull: true }, status: withDefault(text(), 'new'), createdAt: now(), answeredAt: moment(true),
      closedAt: moment(true), closedBy: text(true),
    }),
    LetterMessage: bind(LetterMessage, 'letter_messages', {
      id: id(), letterId: int(), author: text(), staffName: text(true), text: withDefault(text(), ''), attachments: withDefault(json(), []), createdAt: now(),
    }),
    OutboxMessage: bind(OutboxMessage, 'outbox', {
      id: id(), kind: text(), payload: json(), dedupeKey: text(true), status: withDefault(text(), 'pending'), attempts: withDefault(int(), 0),
      nextAttemptAt: now(), lastError: text(true), createdAt: now(), sentAt: moment(true),
    }),
  };
  return models;
}
