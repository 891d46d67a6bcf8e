import { describe, expect, it } from 'vitest';
import { cabinetOf } from '../../../bots/flows/index.ts';
import { createLogger } from '../../../bots/logger.ts';
import { menuLayout, menuLayoutWithPay } from '../../../bots/texts/menu.ts';
import type { CoreDeps } from '../../../core/deps.ts';
import { defaultPaymentRules } from '../../../core/payments/index.ts';

describe('the cabinet’s main menu', () => {
  it('holds «Оплатити» only when payment is offered, every other item either way', () => {
    const logger = createLogger('silent');
    const core = {} as CoreDeps;
    const offering = cabinetOf({ core, logger, payments: { rules: defaultPaymentRules, linkFor: () => 'https://pay.example/c' } });
    expect(offering.menu).toBe(menuLayoutWithPay);
    expect(offering.menu.flat()).toContain('pay');
    expect(cabinetOf({ core, logger }).menu).toBe(menuLayout);
    expect(menuLayout.flat()).not.toContain('pay');
    expect(new Set(menuLayoutWithPay.flat().filter((i) => i !== 'pay'))).toEqual(new Set(menuLayout.flat()));
  });
});
