import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { en } from './en.js';
import { pickLanguage, translate } from './i18n.js';
import { zhCN } from './zh-cn.js';

describe('i18n', () => {
  it('prefers the saved language over the browser', () => {
    assert.equal(pickLanguage('en', 'zh-CN,zh;q=0.9'), 'en');
  });
  it('follows the browser by quality when nothing is saved', () => {
    assert.equal(pickLanguage('', 'fr;q=1, zh-TW;q=0.8, en;q=0.5'), 'zh-CN');
    assert.equal(pickLanguage(undefined, 'de'), 'en');
  });
  it('has every key in Chinese and falls back to the key when unknown', () => {
    assert.deepEqual(Object.keys(zhCN).sort(), Object.keys(en).sort());
    assert.equal(translate('zh-CN', 'menu.jobs'), '任务');
    assert.equal(translate('en', 'no.such.key'), 'no.such.key');
  });
});
