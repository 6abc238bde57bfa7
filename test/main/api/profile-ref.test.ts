import { describe, expect, it } from 'vitest';
import { type ProfileDirectory, resolveProfile } from '../../../main/api/profile-ref.ts';
import { view } from '../../support/views.ts';

/** A directory of views that counts how many it is asked to draw. */
function directoryOf(names: [id: string, name: string][]) {
  const views = new Map(names.map(([id, name]) => [id, view({ id, name })]));
  const drawn: string[] = [];
  const directory: ProfileDirectory = {
    getProfile(id) {
      const found = views.get(id);
      if (found) drawn.push(id);
      return found;
    },
    listProfileNames: () => names.map(([id, name]) => ({ id, name })),
  };
  return { directory, drawn };
}

describe('finding a profile by what a person calls it', () => {
  const names: [string, string][] = [
    ['a1', 'ERNIE dev'],
    ['b2', 'ERNIE prod'],
    ['c3', 'Lark bot'],
    ['d4', 'lark bot'],
    ['e5', 'WeChat'],
  ];

  it('takes an id, an exact name, a name in any case, then a unique start of a name', () => {
    const { directory } = directoryOf(names);
    const id = (ref: string) => {
      const found = resolveProfile(directory, ref);
      return found.ok ? found.view.id : found.error;
    };
    expect(id('c3')).toBe('c3');
    expect(id('Lark bot')).toBe('c3');
    expect(id('lark bot')).toBe('d4');
    expect(id('ERNIE PROD')).toBe('b2');
    expect(id('wech')).toBe('e5');
    expect(id('')).toBe('unknown_profile');
    expect(id('nobody')).toBe('unknown_profile');
  });

  it('names every candidate when two answer equally well, and picks neither', () => {
    const { directory } = directoryOf(names);
    expect(resolveProfile(directory, 'ernie')).toEqual({
      ok: false,
      error: 'ambiguous_profile',
      candidates: ['ERNIE dev (a1)', 'ERNIE prod (b2)'],
    });
    expect(resolveProfile(directory, 'LARK BOT')).toMatchObject({ error: 'ambiguous_profile' });
  });

  it('draws only the view it returns, whatever the number of profiles', () => {
    const many: [string, string][] = Array.from({ length: 10_000 }, (_, i) => [`p${i}`, `Profile ${i}`]);
    const { directory, drawn } = directoryOf(many);
    const found = resolveProfile(directory, 'profile 9999');
    expect(found).toMatchObject({ ok: true, view: { id: 'p9999' } });
    expect(drawn).toEqual(['p9999']);
  });
});
