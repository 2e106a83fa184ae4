// src/render/sanitize.ts sanitizeLine(): text from a container or a server must not drive the terminal.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sanitizeLine } from '../../src/render/sanitize.js';

const Sanitize = suite('sanitizeLine');

const ESC = '\u001b';
const BEL = '\u0007';
const cases: Array<[string, string, string]> = [
  ['plain text is unchanged', 'GET /rsc.io/quote/@v/list 200 in 95 ms', 'GET /rsc.io/quote/@v/list 200 in 95 ms'],
  ['CSI colour', `${ESC}[31mred${ESC}[0m`, 'red'],
  ['CSI bold + colour, bare reset', `${ESC}[1;32mok${ESC}[m`, 'ok'],
  ['256-colour and truecolour', `${ESC}[38;5;196ma${ESC}[39m ${ESC}[38;2;255;0;0mb${ESC}[0m`, 'a b'],
  ['OSC window title (BEL)', `${ESC}]2;build-finished${BEL}after`, 'after'],
  ['OSC 8 hyperlink with params', `${ESC}]8;id=1;https://a.example/${BEL}link${ESC}]8;;${BEL}`, 'link'],
  ['OSC 8 hyperlink', `${ESC}]8;;https://evil.example/login?next=1${BEL}click here${ESC}]8;;${BEL}`, 'click here'],
  ['OSC 52 clipboard write', `${ESC}]52;c;ZWNobyBwd25lZA==${BEL}text`, 'text'],
  ['clear screen and home', `${ESC}[2J${ESC}[Hclear`, 'clear'],
  ['cursor up, erase line, carriage return', `progress${ESC}[10A${ESC}[2K\rup`, 'progressup'],
  ['hide/show cursor', `${ESC}[?25lhidden${ESC}[?25h`, 'hidden'],
  ['bracketed paste markers', `${ESC}[200~paste${ESC}[201~`, 'paste'],
  ['8-bit CSI (C1)', '\u009b31mred', 'red'],
  ['other C1 controls', 'a\u0085b\u0090c\u009dd', 'abcd'],
  ['NUL', 'a\u0000b', 'ab'],
  ['backspace and DEL', 'ab\u0008\u007fc', 'abc'],
  ['bell, vertical tab, form feed', `a${BEL}b\u000bc\u000cd`, 'abcd'],
  ['newlines and tabs become spaces', 'a\nb\tc', 'a b c'],
  ['runs of them become one space', 'x\n\n\ty', 'x y'],
  ['CRLF is one space', 'line one\r\nline two', 'line one line two'],
  ['ordinary unicode is kept', '· é 示例 ✓ e\u0301 Ωμέγα 🙂', '· é 示例 ✓ e\u0301 Ωμέγα 🙂'],
  ['unicode next to escapes', `${ESC}[1m示例${ESC}[0m·é`, '示例·é'],
  // OSC sequences go whole, payload included, whatever the payload holds, ended by BEL or by ST (ESC \).
  ['OSC title with spaces', `${ESC}]0;you have been pwned${BEL}after`, 'after'],
  ['OSC 8 URL with a comma', `${ESC}]8;;https://a.example/x,y${BEL}click${ESC}]8;;${BEL}`, 'click'],
  ['OSC title ended by ST', `${ESC}]0;title${ESC}\\after`, 'after'],
  ['OSC title with spaces ended by ST', `${ESC}]2;you have been pwned${ESC}\\after`, 'after'],
  ['OSC 8 hyperlink ended by ST', `${ESC}]8;;https://evil.example/a b,c${ESC}\\click here${ESC}]8;;${ESC}\\ done`, 'click here done'],
  ['OSC payload with unicode and punctuation', `${ESC}]0;示例 (build #3), "quoted" [x] {y} <z>!${BEL}after`, 'after'],
  ['OSC 52 with a space in the payload', `${ESC}]52;c;ZWNobyBw d25lZA==${BEL}text`, 'text'],
  ['two OSC sequences around text', `${ESC}]0;a b${BEL}mid${ESC}]0;c, d${ESC}\\end`, 'midend'],
];
for (const [name, input, want] of cases) Sanitize(name, () => assert.is(sanitizeLine(input), want));

Sanitize('nothing that drives a terminal survives, whatever the sequence', () => {
  const hostile = [
    `${ESC}]0;title${ESC}\\after`, // OSC ended by ST instead of BEL
    `${ESC}Pdcs payload${ESC}\\`,
    `${ESC}(0line${ESC}(B`,
    `${ESC}7save${ESC}8`,
    `${ESC}c reset`,
    `${ESC}[${'9;'.repeat(50)}m`,
    `${ESC}${ESC}[[31m`,
    `${ESC}`,
    '\u009b',
    Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join(''),
  ];
  for (const input of hostile) {
    const out = sanitizeLine(input);
    assert.not.match(out, /[\u0000-\u001f\u007f-\u009f]/, JSON.stringify(input));
  }
});

Sanitize.run();
