// checks/tls.ts certProblem(): OpenSSL verify codes (x509_vfy.h) and the messages openssl and curl
// print for them, mapped to the four problems the doctor has a fix for.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type CertProblem, certProblem } from '../../checks/tls.js';

const Codes = suite('certProblem: openssl verify codes');

const codes: Array<[number, string | null, CertProblem]> = [
  [2, 'unable to get issuer certificate', 'unknown_ca'],
  [18, 'self-signed certificate', 'unknown_ca'],
  [19, 'self-signed certificate in certificate chain', 'unknown_ca'],
  [20, 'unable to get local issuer certificate', 'unknown_ca'],
  [21, 'unable to verify the first certificate', 'unknown_ca'],
  [62, 'hostname mismatch', 'wrong_name'],
  [10, 'certificate has expired', 'expired'],
  [9, 'certificate is not yet valid', 'not_yet_valid'],
  // The code alone decides when there is no message.
  [2, null, 'unknown_ca'],
  [18, null, 'unknown_ca'],
  [19, null, 'unknown_ca'],
  [20, null, 'unknown_ca'],
  [21, null, 'unknown_ca'],
  [62, null, 'wrong_name'],
  [10, null, 'expired'],
  [9, null, 'not_yet_valid'],
  // Codes without a fix of their own.
  [7, 'certificate signature failure', 'other'],
  [0, 'ok', 'other'],
];
for (const [code, message, want] of codes) {
  Codes(`${code} ${JSON.stringify(message)} → ${want}`, () => assert.is(certProblem(code, message), want));
}

const Messages = suite('certProblem: curl messages (no code)');

// curl exits 60 and prints `curl: (60) MESSAGE`; parseTls passes code -1 and the message.
const messages: Array<[string, CertProblem]> = [
  ['SSL certificate problem: unable to get local issuer certificate', 'unknown_ca'],
  ['unable to get local issuer certificate', 'unknown_ca'],
  ['SSL certificate problem: self-signed certificate in certificate chain', 'unknown_ca'],
  ['self-signed certificate in certificate chain', 'unknown_ca'],
  // OpenSSL < 3.0 spelled it without the hyphen.
  ['SSL certificate problem: self signed certificate in certificate chain', 'unknown_ca'],
  ['self signed certificate', 'unknown_ca'],
  ['SSL certificate problem: unable to get issuer certificate', 'unknown_ca'],
  ['unable to verify the first certificate', 'unknown_ca'],
  ['SSL: no alternative certificate subject name matches target host name \'proxy.golang.org\'', 'wrong_name'],
  ['no alternative certificate subject name matches target host name', 'wrong_name'],
  // Older curl wording.
  ['SSL: certificate subject name \'*.corp.example\' does not match target host name \'proxy.golang.org\'', 'wrong_name'],
  ['SSL certificate problem: certificate has expired', 'expired'],
  ['certificate has expired', 'expired'],
  ['SSL certificate problem: certificate is not yet valid', 'not_yet_valid'],
  ['certificate is not yet valid', 'not_yet_valid'],
  ['SSL CERTIFICATE PROBLEM: CERTIFICATE HAS EXPIRED', 'expired'],
  ['OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to proxy.golang.org:443', 'other'],
  ['', 'other'],
];
for (const [message, want] of messages) {
  Messages(`${JSON.stringify(message)} → ${want}`, () => {
    assert.is(certProblem(-1, message), want);
    assert.is(certProblem(null, message), want);
  });
}
Messages('no code and no message is other', () => assert.is(certProblem(null, null), 'other'));

Codes.run();
Messages.run();
