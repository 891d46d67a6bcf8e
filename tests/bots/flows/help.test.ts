import { describe, expect, it } from 'vitest';
import { helpFlow, menuFlow } from '../../../bots/flows/help.ts';
import { common } from '../../../bots/texts/common.ts';
import { help } from '../../../bots/texts/help.ts';
import { menuTexts } from '../../../bots/texts/menu.ts';
import { flowDriver } from '../../support/flow-driver.ts';

// Neither flow calls core: no database needed.
const deps = {} as never;

describe('help and the menu', () => {
  it('tells how to leave a flow as it really works: «Скасувати» or /cancel', async () => {
    const driver = flowDriver(helpFlow, deps, { subscriberId: 1 });
    await driver.start(null);
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([[help.text, 'menu']]);
    expect(help.text).toContain(`«${common.cancelButton}»`);
    expect(help.text).toContain('/cancel');
    expect(driver.state).toBeNull();
  });

  it('a notice’s menu button shows the menu', async () => {
    const driver = flowDriver(menuFlow, deps, { subscriberId: 1 });
    await driver.start(null);
    expect(driver.take().map((s) => [s.text, s.options.keyboard])).toEqual([[menuTexts.shown, 'menu']]);
  });
});
