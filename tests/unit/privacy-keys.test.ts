import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import {
  freeTextPatternSql,
  maskCode,
  maskEmail,
  maskedSubject,
  maskPhone,
  mergeKeys,
  nationalDigits,
  phonePatternJs,
  subjectKeysOf,
} from '../../src/domain/privacy-keys.ts';

describe('subject keys', () => {
  it.each([
    ['347 123 4567', '+393471234567'],
    ['0039 347 1234567', '+393471234567'],
    ['+39 347-123-4567', '+393471234567'],
    ['(+39) 347.123.45.67', '+393471234567'],
    ['0382 526 311', '+390382526311'],
    ['+390382526311', '+390382526311'],
  ])('normalises the phone number %s to %s', (raw, e164) => {
    expect(subjectKeysOf({ phone: raw }).phones).toEqual([e164]);
  });

  it('lower-cases e-mail addresses and keeps tenant codes as given', () => {
    expect(subjectKeysOf({ email: ' Giuseppe.Rinaldi@Example.IT ', tenantCode: ' PV-000101 ' })).toEqual({
      phones: [],
      emails: ['giuseppe.rinaldi@example.it'],
      tenantCodes: ['PV-000101'],
    });
  });

  it.each([[{}], [{ phone: 'anonymous' }], [{ phone: '12' }], [{ email: 'nobody' }], [{ tenantCode: '  ' }]])('refuses %j', (query) => {
    expect(() => subjectKeysOf(query)).toThrow(AppError);
  });

  it('merges keys without duplicates', () => {
    const merged = mergeKeys(
      { phones: ['+393471234567'], emails: ['a@b.it'], tenantCodes: [] },
      { phones: ['+393471234567', '+390382526311'], emails: ['A@B.it'], tenantCodes: ['PV-1'] },
    );
    expect(merged).toEqual({ phones: ['+390382526311', '+393471234567'], emails: ['a@b.it'], tenantCodes: ['PV-1'] });
  });
});

describe('finding a number in free text', () => {
  it('keeps the leading 0 of Italian landlines in the digits every form shares', () => {
    expect(nationalDigits('+390382526311')).toBe('0382526311');
    expect(nationalDigits('+393471234567')).toBe('3471234567');
  });

  it('matches the number written in any usual way, and not another number', () => {
    const pattern = phonePatternJs('+393471234567');
    for (const text of ['+393471234567', '0039 347 123 4567', 'cell. 347-123-4567', '(347) 123.45.67', 'tel:+39-347-1234567'])
      expect(pattern.test(text), text).toBe(true);
    for (const text of ['347 123 4568', '+39 338 765 4321', '3471 2345']) expect(pattern.test(text), text).toBe(false);
  });

  it('matches whatever separators people put between the digits (property)', () => {
    const mobile = fc.stringMatching(/^3[0-9]{9}$/);
    const separator = fc.constantFrom('', ' ', '-', '.', '/', ' - ', '  ');
    fc.assert(
      fc.property(mobile, fc.array(separator, { minLength: 10, maxLength: 10 }), fc.constantFrom('', '+39', '0039', '+39 '), (digits, separators, prefix) => {
        const written =
          prefix +
          digits
            .split('')
            .map((digit, index) => digit + (index < 9 ? separators[index] : ''))
            .join('');
        return phonePatternJs(`+39${digits}`).test(`Chiamare al ${written}, grazie`);
      }),
    );
  });

  it('builds one SQL pattern for every number and address, with the address escaped', () => {
    const pattern = freeTextPatternSql({ phones: ['+393471234567'], emails: ['mario.rossi+casa@example.it'], tenantCodes: ['PV-1'] })!;
    expect(pattern).toContain('mario\\.rossi\\+casa@example\\.it');
    expect(pattern).toContain('3[[:space:]./()-]*4[[:space:]./()-]*7');
    expect(freeTextPatternSql({ phones: [], emails: [], tenantCodes: ['PV-1'] })).toBeNull();
  });
});

describe('masks kept in receipts', () => {
  it('hide enough of each identifier that it cannot be searched for', () => {
    expect(maskPhone('+393471234567')).toBe('+39 347 ••• ••67');
    expect(maskPhone('+390382526311')).toBe('+39 038• ••••11');
    expect(maskPhone('+390382526311')).not.toMatch(/0382[\s]*526/);
    expect(maskEmail('giuseppe.rinaldi@example.it')).toBe('g•••@example.it');
    expect(maskCode('PV-000101')).toBe('PV-•••••1');
    expect(maskedSubject({ phones: ['+393471234567'], emails: [], tenantCodes: ['PV-000101'] })).toEqual({
      phones: ['+39 347 ••• ••67'],
      tenantCodes: ['PV-•••••1'],
    });
  });
});
