import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../src/cli/options.js';
import { editDistance, nearest } from '../../../src/cli/suggest.js';

const names = OPTIONS.map((option) => option.name);

describe('did you mean', () => {
  it.each([
    ['usr', 'user'], ['uesr', 'user'], ['chwon', 'chown'], ['mkdri', 'mkdir'], ['grace', 'grace-period'],
    ['socket', 'socket-group'], ['user_from', 'user-from'], ['no-new-priv', 'no-new-privs'], ['CHOWN', 'chown'],
  ])('%s → %s', (typed, meant) => expect(nearest(typed, names)).toBe(meant));

  it.each(['frobnicate', 'x', 'e', 'privileged', 'detach'])('%s: nothing near enough', (typed) => expect(nearest(typed, names)).toBeUndefined());

  it('variables too', () => {
    expect(nearest('NODE_INIT_USR', ['NODE_INIT_USER', 'NODE_INIT_USER_FROM', 'NODE_INIT_CHOWN'])).toBe('NODE_INIT_USER');
  });

  it('a swap of neighbours is one edit', () => {
    expect(editDistance('chwon', 'chown')).toBe(1);
    expect(editDistance('user', 'user')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
