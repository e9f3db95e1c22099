import { describe, expect, it } from 'vitest';
import { mostSpecificTargets, targetLevel } from '../../src/domain/delivery-targets.ts';

const target = (name: string, portfolioId: string | null, category: string | null) => ({ name, portfolioId, category });
const alerGeneral = target('ALER, tutto', null, null);
const alerHeating = target('ALER, riscaldamento', null, 'heating');
const comuneGeneral = target('Comune di Pavia, tutto', 'comune-di-pavia', null);
const comuneMaintenance = target('Comune di Pavia, manutenzione', 'comune-di-pavia', 'maintenance');
const all = [alerGeneral, alerHeating, comuneGeneral, comuneMaintenance];
const names = (targets: { name: string }[]) => targets.map((entry) => entry.name);

describe('which targets receive a ticket', () => {
  it('a Comune di Pavia plumbing ticket goes to the Comune’s maintenance office only, not also to ALER’s general one', () => {
    expect(names(mostSpecificTargets(all, { portfolioId: 'comune-di-pavia', category: 'maintenance' }))).toEqual(['Comune di Pavia, manutenzione']);
  });

  it('a portfolio’s own general office beats the agency’s office for the category', () => {
    expect(names(mostSpecificTargets(all, { portfolioId: 'comune-di-pavia', category: 'heating' }))).toEqual(['Comune di Pavia, tutto']);
    expect(names(mostSpecificTargets([alerGeneral, alerHeating], { portfolioId: 'comune-di-pavia', category: 'heating' }))).toEqual(['ALER, riscaldamento']);
  });

  it('the agency’s own stock never reaches a portfolio’s office', () => {
    expect(names(mostSpecificTargets(all, { portfolioId: null, category: 'maintenance' }))).toEqual(['ALER, tutto']);
    expect(names(mostSpecificTargets([comuneMaintenance], { portfolioId: null, category: 'maintenance' }))).toEqual([]);
    expect(targetLevel(comuneGeneral, { portfolioId: null, category: 'admin' })).toBeNull();
  });

  it('every target on the winning level receives it (a webhook and an e-mail for the same office)', () => {
    const mail = target('Comune di Pavia, manutenzione (e-mail)', 'comune-di-pavia', 'maintenance');
    expect(names(mostSpecificTargets([...all, mail], { portfolioId: 'comune-di-pavia', category: 'maintenance' }))).toEqual([
      'Comune di Pavia, manutenzione',
      'Comune di Pavia, manutenzione (e-mail)',
    ]);
  });

  it('ranks the four levels from most to least specific', () => {
    const ticket = { portfolioId: 'comune-di-pavia', category: 'maintenance' };
    expect([comuneMaintenance, comuneGeneral, target('x', null, 'maintenance'), alerGeneral].map((entry) => targetLevel(entry, ticket))).toEqual([1, 2, 3, 4]);
    expect(targetLevel(target('other portfolio', 'lodi', null), ticket)).toBeNull();
    expect(targetLevel(alerHeating, ticket)).toBeNull();
  });
});
