/**
 * Text from the container or a remote server can carry terminal escape sequences;
 * strip them (and other control characters) before anything reaches a terminal.
 */
// CSI/OSC/ESC sequences (as strip-ansi matches them) and then any remaining C0/C1 control.
const ANSI = /[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-nq-uy=><~]))/g;
const OSC = /\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?/g;
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** One line of safe text: escapes removed, controls dropped, newlines and tabs as spaces. */
export function sanitizeLine(text: string): string {
  return text.replace(OSC, '').replace(ANSI, '').replace(CONTROL, '').replace(/[\n\t]+/g, ' ');
}
