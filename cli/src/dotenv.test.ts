import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';
import { render } from './formats.js';

const parse = (text: string) => Object.fromEntries(parseDotenv(text, '.env'));

describe('parseDotenv', () => {
  it('reads the quoting edge cases', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED = padded value   ',
      'WITH_EQUALS=a=b==c',
      'INLINE=kept # dropped comment',
      'HASH_IN_VALUE=abc#def',
      'DOUBLE="say \\"hi\\"\\nnext\\tline \\$HOME \\\\ done" # comment',
      "SINGLE='literal \\n $HOME \"x\"'",
      "SHELL_SPLICE='it'\\''s'",
      'MULTI="line 1',
      'line 2"',
      "MULTI_SINGLE='a",
      "b'",
      'EMPTY=',
      'EMPTY_QUOTED=""',
      'db.host=x',
      'PLAIN=later wins',
    ].join('\r\n');
    expect(parse(text)).toEqual({
      PLAIN: 'later wins',
      EXPORTED: 'yes',
      SPACED: 'padded value',
      WITH_EQUALS: 'a=b==c',
      INLINE: 'kept',
      HASH_IN_VALUE: 'abc#def',
      DOUBLE: 'say "hi"\nnext\tline $HOME \\ done',
      SINGLE: 'literal \\n $HOME "x"',
      SHELL_SPLICE: "it's",
      MULTI: 'line 1\nline 2',
      MULTI_SINGLE: 'a\nb',
      EMPTY: '',
      EMPTY_QUOTED: '',
      'db.host': 'x',
    });
  });

  it('reads back what pull writes, in env and shell format', () => {
    const secrets = { A: 'plain', B: 'say "hi" and \'bye\'', C: '-----BEGIN-----\nabc\n', D: '$HOME ${PATH} $(id)', E: 'C:\\new\\table', F: 'päss 🔑', G: 'a=b # not a comment' };
    const noWarn = () => undefined;
    expect(parse(render('env', secrets, noWarn))).toEqual(secrets);
    expect(parse(render('shell', secrets, noWarn))).toEqual(secrets);
  });

  it('names the line of a mistake, never the value', () => {
    expect(() => parse('A=1\nnot a pair\n')).toThrow(/^\.env:2: expected KEY=value$/);
    expect(() => parse('A=1\n1BAD=x\n')).toThrow(/^\.env:2: invalid key/);
    expect(() => parse('A=1\nB="secret-value\n')).toThrow(/^\.env:2: unterminated double quote$/);
    expect(() => parse('B="secret" trailing\n')).toThrow(/^\.env:1: unexpected text after the closing quote$/);
    try {
      parse('B="secret-value');
    } catch (error) {
      expect(String(error)).not.toContain('secret-value');
    }
  });
});
