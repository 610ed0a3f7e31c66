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
    await ui.hover(item);
    await ui.waitFor('.workbench-hover, .monaco-hover', { timeoutMs: 15_000 });
    await shot('status-bar');
    await ui.press('Escape');
  });
});
