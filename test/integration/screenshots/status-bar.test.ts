// `npm run screenshots`, the status bar item (issue 12, item 2): where purges go and this month's ImageKit count,
// with its tooltip open. Checks that what it pictures is there before it saves the PNG.
import * as assert from 'node:assert/strict';
import { describeUi, ui } from '../harness';
import { purgedOnEmulator, shot } from './steps';

describeUi('README screenshots: the status bar', function () {
  this.timeout(150_000);

  it('status-bar: the emulator as target and the ImageKit count, with the tooltip', async () => {
    await purgedOnEmulator('index.html', 'https://ik.imagekit.io/demo/images/hero.png');
    const item = '.part.statusbar .statusbar-item:has-text("Emulator ·")';
    await ui.waitFor(item, { timeoutMs: 20_000 });
    const [text] = await ui.texts(item);
    assert.match(text, /ImageKit .*\d+\/1000/, `the item shows the month's count: ${text}`);
    // The mouse may already rest where the item is (an earlier test's hover, the item drawn under it): no mouse
    // enters it then, and no tooltip opens. It comes from the title bar, and tries once more.
    for (let attempt = 1; ; attempt++) {
      await ui.hover('.part.titlebar');
      await ui.hover(item);
      try {
        await ui.waitFor('.workbench-hover:visible, .monaco-hover:visible', { timeoutMs: 10_000 });
        break;
      } catch (e) {
        if (attempt === 2) throw e;
      }
    }
    await shot('status-bar');
    await ui.press('Escape');
  });
});
