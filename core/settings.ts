/** The utility's own rules, as numbers an operator may change. Parsed from the environment in bots/config.ts. */
export interface ProofLimits {
  /** Failures on one subscriber+account pair within 24 h that lock the pair for 24 h. */
  pairFailuresPerDay: number;
  /** Distinct account numbers a subscriber may fail a proof on within 24 h. */
  subscriberAccountsPerDay: number;
  /** Distinct account numbers a subscriber may fail a proof on within 30 days. */
  subscriberAccountsPerMonth: number;
  /** Failures on one account, by anyone, within 24 h that suspend its self-service linking for 24 h. */
  accountFailuresPerDay: number;
  /** Failures in all within one hour that raise an alert for staff. */
  burstAlertPerHour: number;
}

export interface ReadingRules {
  /** Days of the month on which readings are taken; null means every day. */
  window: { fromDay: number; toDay: number } | null;
  /** Refuse readings for meters past their verification date (they are billed by norms). */
  refuseAfterVerificationDue: boolean;
  /** Average consumption since the last reading above which the subscriber must confirm the value. */
  jumpConfirmM3PerDay: number;
}

export interface CoreSettings {
  /** Decides "today" for once-a-day rules and reminders. */
  timeZone: string;
  proofLimits: ProofLimits;
  readings: ReadingRules;
  /** The utility's emergency phone (UTILITY_EMERGENCY_PHONE), told at once to whoever writes about an emergency. */
  emergencyPhone?: string | undefined;
  /** Local hour of the evening before planned works at which subscribers are told of them (OUTAGE_EVENING_HOUR; default 18). */
  outageEveningHour?: number | undefined;
}

export const defaultCoreSettings: CoreSettings = {
  timeZone: 'Europe/Kyiv',
  proofLimits: {
    pairFailuresPerDay: 3,
    subscriberAccountsPerDay: 3,
    subscriberAccountsPerMonth: 10,
    accountFailuresPerDay: 5,
    burstAlertPerHour: 30,
  },
  readings: { window: null, refuseAfterVerificationDue: true, jumpConfirmM3PerDay: 3 },
};
