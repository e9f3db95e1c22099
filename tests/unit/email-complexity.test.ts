import { describe, expect, it } from 'vitest';
import { assertMimeShape, DEFAULT_PARSE_LIMITS, htmlDepthExceeds, ParseLimitError } from '../../src/modules/email/email-complexity.ts';
import { parseEmail } from '../../src/modules/email/email-parser.ts';
import { emailFixture } from '../helpers/email-requests.ts';

const head = (contentType: string) => `From: a@example.it\r\nTo: segnalazioni@aler-milano.example\r\nSubject: prova\r\nContent-Type: ${contentType}\r\n\r\n`;

/** `levels` multiparts, each inside the previous one's only part. */
function nested(levels: number): Buffer {
  let raw = head('multipart/mixed; boundary="b1"');
  for (let level = 2; level <= levels; level += 1) raw += `--b${level - 1}\r\nContent-Type: multipart/mixed;\r\n\tboundary="b${level}"\r\n\r\n`;
  return Buffer.from(`${raw}--b${levels}\r\nContent-Type: text/plain\r\n\r\nciao\r\n--b${levels}--\r\n`);
}

const reasonOf = (work: () => unknown) => {
  try {
    work();
    return null;
  } catch (error) {
    return error instanceof ParseLimitError ? error.reason : 'other';
  }
};

describe('assertMimeShape', () => {
  it('measures real mail as the parser splits it: an Apple Mail photo, a PEC envelope', () => {
    expect(assertMimeShape(emailFixture('apple-mail-infiltrazione-foto.eml'), DEFAULT_PARSE_LIMITS)).toEqual({ parts: 3, depth: 1 });
    expect(assertMimeShape(emailFixture('outlook-caldaia-latin1.eml'), DEFAULT_PARSE_LIMITS).depth).toBeLessThanOrEqual(2);
    const pec = assertMimeShape(emailFixture('pec-posta-certificata.eml'), DEFAULT_PARSE_LIMITS);
    expect(pec.depth).toBeLessThanOrEqual(3);
  });

  it('follows folded headers and closes inner multiparts at an outer boundary', () => {
    expect(assertMimeShape(nested(5), DEFAULT_PARSE_LIMITS)).toEqual({ parts: 6, depth: 5 });
    const unclosedInner = Buffer.from(
      `${head('multipart/mixed; boundary=outer')}--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nciao\r\n--outer\r\nContent-Type: text/plain\r\n\r\nsecondo\r\n--outer--\r\n`,
    );
    expect(assertMimeShape(unclosedInner, DEFAULT_PARSE_LIMITS)).toEqual({ parts: 4, depth: 2 });
  });

  it('refuses multiparts nested past the limit, and more parts than allowed', () => {
    expect(reasonOf(() => assertMimeShape(nested(DEFAULT_PARSE_LIMITS.maxMimeDepth), DEFAULT_PARSE_LIMITS))).toBeNull();
    expect(reasonOf(() => assertMimeShape(nested(DEFAULT_PARSE_LIMITS.maxMimeDepth + 1), DEFAULT_PARSE_LIMITS))).toBe('too_complex');
    const parts = (n: number) => Buffer.from(`${head('multipart/mixed; boundary=b')}${'--b\r\n\r\nx\r\n'.repeat(n)}--b--\r\n`);
    expect(reasonOf(() => assertMimeShape(parts(999), DEFAULT_PARSE_LIMITS))).toBeNull();
    expect(reasonOf(() => assertMimeShape(parts(1000), DEFAULT_PARSE_LIMITS))).toBe('too_many_parts');
  });

  it('does not count the parts of an embedded message, which is kept whole as an attachment', () => {
    const inner = `Content-Type: multipart/mixed; boundary=in\r\n\r\n${'--in\r\n\r\nx\r\n'.repeat(1200)}--in--\r\n`;
    const raw = Buffer.from(`${head('multipart/mixed; boundary=out')}--out\r\nContent-Type: message/rfc822\r\n\r\n${inner}--out--\r\n`);
    expect(assertMimeShape(raw, DEFAULT_PARSE_LIMITS)).toEqual({ parts: 2, depth: 1 });
  });
});

describe('htmlDepthExceeds', () => {
  it('counts elements open inside each other, not void, self-closed or implicitly closed ones', () => {
    expect(htmlDepthExceeds('<div>'.repeat(11), 10)).toBe(true);
    expect(htmlDepthExceeds('<div></div>'.repeat(1000), 10)).toBe(false);
    expect(htmlDepthExceeds(`<div>${'<br><img src=x><p>riga'.repeat(1000)}</div>`, 10)).toBe(false);
    // Closing the div closes the span and the b left open inside it.
    expect(htmlDepthExceeds(`${'<div><span><b>x</div>'.repeat(50)}`, 3)).toBe(false);
    expect(htmlDepthExceeds(`<!-- ${'<div>'.repeat(50)} -->`, 10)).toBe(false);
  });
});

describe('parseEmail within the limits', () => {
  it('refuses HTML nested thousands deep before converting it', async () => {
    const raw = Buffer.from(head('text/html; charset=utf-8') + '<div>'.repeat(400_000));
    await expect(parseEmail(raw)).rejects.toMatchObject({ name: 'ParseLimitError', reason: 'too_complex' });
  });

  it('converts at most maxHtmlChars of HTML to text', async () => {
    const paragraph = '<p>Perdita in cantina, scala B.</p>';
    const raw = Buffer.from(head('text/html; charset=utf-8') + paragraph.repeat(1000));
    const mail = await parseEmail(raw, { ...DEFAULT_PARSE_LIMITS, maxHtmlChars: paragraph.length * 10 });
    expect(mail.text.match(/Perdita in cantina/g)).toHaveLength(10);
  });
});
