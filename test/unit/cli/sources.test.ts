import { describe, expect, it } from 'vitest';
import { jsonProblem } from '../../../src/cli/sources.js';

describe('a config file that is not JSON: where, as line and column', () => {
  it('a missing comma', () => {
    const text = '{\n  "user": "redis"\n  "chown": []\n}';
    let message = '';
    try {
      JSON.parse(text);
    } catch (error) {
      message = (error as Error).message;
    }
    // Node 20 says "at position 22"; newer versions already say the line and column.
    expect(jsonProblem(text, message)).toMatch(/line 3 column 3/);
  });

  it('from a position alone', () => {
    expect(jsonProblem('{\n  "a": 1,\n}', 'Expected double-quoted property name in JSON at position 12')).toBe('Expected double-quoted property name at line 3 column 1');
  });

  it('a message without a position stays as it is', () => {
    expect(jsonProblem('{"user": redis}', 'Unexpected token \'r\', "{"user": redis}" is not valid JSON')).toBe('Unexpected token \'r\', "{"user": redis}" is not valid JSON');
  });
});
