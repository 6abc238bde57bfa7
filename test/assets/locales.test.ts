import { describe, expect, it } from 'vitest';
import en from '../../assets/locales/en.json' with { type: 'json' };
import zh from '../../assets/locales/zh-CN.json' with { type: 'json' };
import { createTranslator } from '../../main/contract/i18n.ts';
import { RETRYABLE } from '../../main/core/errors.ts';
import { CATALOGUE } from '../../main/core/index.ts';

function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}

describe('locale catalogs', () => {
  it('have the same keys in zh-CN and en', () => {
    expect(keyPaths(zh).sort()).toEqual(keyPaths(en).sort());
  });

  it('explain every engine error code with a message and a remedy, in both languages', () => {
    for (const catalog of [en, zh]) {
      for (const code of Object.keys(RETRYABLE)) {
        const entry = (catalog.errors as Record<string, { message: string; remedy: string }>)[code];
        expect(entry?.message, code).toBeTruthy();
        expect(entry?.remedy, code).toBeTruthy();
      }
    }
  });

  /** Names that read the same in both languages: the product, curl and PowerShell. */
  const SAME_BY_DESIGN = /^(ui\.app_title|ui\.copy_(curl|powershell))$/;

  it('leave no zh-CN text untranslated', () => {
    const english = new Map(keyPaths(en).map((path) => [path, path.split('.').reduce<any>((o, k) => o[k], en)]));
    for (const path of keyPaths(zh)) {
      const text = path.split('.').reduce<any>((o, k) => o[k], zh);
      if (!SAME_BY_DESIGN.test(path)) expect(text, path).not.toBe(english.get(path));
    }
  });

  it('have every word the provider catalogue asks for, in both languages', () => {
    const missing: string[] = [];
    for (const locale of ['en', 'zh-CN'] as const) {
      const tr = createTranslator(locale);
      const need = (id: string, path: string) => {
        if (tr.provider(id, path) === `providers.${id}.${path}`) missing.push(`${locale} providers.${id}.${path}`);
      };
      for (const entry of CATALOGUE) {
        need(entry.id, 'name');
        need(entry.id, 'hint');
        for (const spec of entry.options) {
          need(entry.id, `options.${spec.name}.label`);
          if (spec.kind !== 'choice') continue;
          for (const choice of spec.choices) need(entry.id, `options.${spec.name}.choices.${choice}`);
          if (spec.warnOn?.length) need(entry.id, `options.${spec.name}.warning`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
