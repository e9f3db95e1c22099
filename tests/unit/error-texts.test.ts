import { describe, expect, it } from 'vitest';
import { ApiError, errorText } from '../../dashboard/src/api.ts';
import type { ErrorCode } from '../../src/domain/errors.ts';
import { HTTP_STATUS_BY_CODE } from '../../src/domain/errors.ts';

const ENGLISH = 'Call CA0123 is not a call to aler-milano';

describe('what an API error says on screen', () => {
  it.each(Object.entries(HTTP_STATUS_BY_CODE) as [ErrorCode, number][])('%s: Italian, never the server’s English message', (code, status) => {
    const text = errorText(new ApiError(status, code, ENGLISH));
    expect(text).not.toContain(ENGLISH);
    expect(text).not.toMatch(/\b(is|not|the|call|invalid)\b/i);
    expect(text.length).toBeGreaterThan(10);
  });

  it('names the invalid fields in Italian', () => {
    const error = new ApiError(400, 'VALIDATION', 'Invalid request: description Too small; caller.email Invalid email', [
      { path: 'description', message: 'Too small' },
      { path: 'caller.email', message: 'Invalid email' },
    ]);
    expect(errorText(error)).toBe('Alcuni dati non sono validi: controlla i campi «descrizione», «e-mail».');
  });

  it('an unknown code is read from its status; a failure of the screen itself says so in Italian', () => {
    expect(errorText(new ApiError(409, 'SOMETHING_NEW', ENGLISH))).toMatch(/^Operazione non più possibile/);
    expect(errorText(new ApiError(502, 'HTTP', 'Bad Gateway'))).toBe('Errore del server (502): riprova.');
    expect(errorText(new TypeError('Cannot read properties of undefined'))).toMatch(/errore imprevisto/);
  });
});
