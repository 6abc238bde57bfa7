import { describe, expect, it } from 'vitest';
import { createTranslator, resolveLocale } from '../../../main/contract/i18n.ts';

describe('language', () => {
  it.each([
    ['system', ['zh-Hans-CN', 'en-US'], 'zh-CN'],
    ['system', ['zh-TW'], 'zh-CN'],
    ['system', ['en-GB', 'zh-CN'], 'en'],
    ['system', ['fr-FR', 'zh-CN'], 'zh-CN'],
    ['system', ['de-DE'], 'en'],
    ['en', ['zh-CN'], 'en'],
    ['zh-CN', ['en-US'], 'zh-CN'],
  ] as const)('%s with %j → %s', (setting, system, expected) => {
    expect(resolveLocale(setting, system)).toBe(expected);
  });

  it('formats countdowns coarsely when long and finely when short', () => {
    const en = createTranslator('en');
    const zh = createTranslator('zh-CN');
    expect([
      en.duration(29 * 86_400_000 + 4 * 3_600_000),
      en.duration(11 * 60_000 + 20_000),
      en.duration(5_000),
    ]).toEqual(['29d 4h', '11m 20s', '5s']);
    expect([zh.duration(29 * 86_400_000 + 4 * 3_600_000), zh.duration(11 * 60_000 + 20_000)]).toEqual([
      '29天4小时',
      '11分钟20秒',
    ]);
  });

  it('fills placeholders and falls back to the key for unknown text', () => {
    const en = createTranslator('en');
    expect(en.t('notify.failed_title', { name: 'Prod' })).toBe('Prod: refresh failed');
    // @ts-expect-error: a key the catalogs lack fails the type check; at run time it shows itself.
    expect(en.t('no.such.key')).toBe('no.such.key');
    expect(en.provider('nope', 'name')).toBe('providers.nope.name');
  });
});
