import { describe, expect, it } from 'vitest';
import { autoAckIt, chooseAckRecipient } from '../../src/domain/email-ack.ts';
import { categoriseEmail } from '../../src/domain/email-category.ts';
import { classifyAutomation, isMachineMail, mayAutoAcknowledge } from '../../src/domain/email-loop.ts';
import { parseDatiCert, stripPecSubjectPrefix } from '../../src/domain/email-pec.ts';
import {
  correspondentAddress,
  decideThread,
  extractTicketRefs,
  normaliseMessageId,
  parseMessageIdList,
  routingAddress,
  threadCandidates,
} from '../../src/domain/email-threading.ts';
import type { OpeningSchedule } from '../../src/domain/schedule.ts';

describe('categoriseEmail', () => {
  it.each([
    ['Caldaia guasta', 'Non parte da ieri', 'heating'],
    ['Termosifoni freddi', '', 'heating'],
    ['', 'Il riscaldamento della scala B non funziona', 'heating'],
    ['Perdita in bagno', 'gocciola dal soffitto', 'maintenance'],
    ['Infiltrazioni', '', 'maintenance'],
    ['ASCENSORE FERMO', '', 'maintenance'],
    ['Guasto al citofono', '', 'maintenance'],
    ['Richiesta copia contratto', 'vorrei il bollettino', 'admin'],
    ['', '', 'admin'],
  ])('%s / %s → %s', (subject, body, category) => {
    expect(categoriseEmail(subject, body)).toBe(category);
  });

  it('sends a leaking boiler to heating: on a tie the earlier rule wins', () => {
    expect(categoriseEmail('Perdita dalla caldaia', '')).toBe('heating');
  });

  it('ignores accents and case', () => {
    expect(categoriseEmail('INFILTRAZIONÉ', '')).toBe('maintenance');
  });

  it('weighs the subject over a passing mention in the body', () => {
    expect(categoriseEmail('Ascensore guasto', 'da quando hanno riparato la caldaia')).toBe('maintenance');
  });
});

describe('classifyAutomation', () => {
  const base = {
    contentType: 'text/plain',
    fromAddress: 'maria@posta.example',
    subject: 'Caldaia',
    ownAddresses: new Set(['callcenter@aler-pavia-lodi.example']),
  };
  const verdict = (headers: Record<string, string>, extra: Partial<typeof base> = {}) =>
    classifyAutomation({ ...base, ...extra, headers: new Map(Object.entries(headers)) });

  it('acknowledges a person', () => {
    const v = verdict({});
    expect(mayAutoAcknowledge(v, 'maria@posta.example')).toBe(true);
    expect(isMachineMail(v)).toBe(false);
  });

  it.each([
    [{ 'auto-submitted': 'auto-replied' }],
    [{ 'auto-submitted': 'auto-generated' }],
    [{ 'x-autoreply': 'yes' }],
    [{ 'x-autorespond': 'vacation' }],
    [{ precedence: 'bulk' }],
    [{ precedence: 'junk' }],
    [{ precedence: 'list' }],
    [{ 'list-id': '<news.example>' }],
    [{ 'return-path': '<>' }],
    [{ 'x-auto-response-suppress': 'All' }],
    [{ 'x-ricevuta': 'accettazione' }],
  ])('never answers %o', (headers) => {
    expect(mayAutoAcknowledge(verdict(headers), 'maria@posta.example')).toBe(false);
  });

  it('answers mail that says Auto-Submitted: no', () => {
    expect(mayAutoAcknowledge(verdict({ 'auto-submitted': 'no' }), 'maria@posta.example')).toBe(true);
  });

  it('recognises bounces by report type and daemon sender', () => {
    expect(verdict({}, { contentType: 'multipart/report; report-type=delivery-status; boundary="x"' }).bounce).toBe(true);
    expect(verdict({}, { fromAddress: 'MAILER-DAEMON@mx.example' }).bounce).toBe(true);
  });

  it('recognises Italian out-of-office subjects', () => {
    expect(verdict({}, { subject: 'Risposta automatica: Caldaia' }).autoReply).toBe(true);
  });

  it('never answers our own address', () => {
    expect(mayAutoAcknowledge(verdict({}, { fromAddress: 'callcenter@aler-pavia-lodi.example' }), 'callcenter@aler-pavia-lodi.example')).toBe(false);
  });

  it('cannot answer without an address', () => {
    expect(mayAutoAcknowledge(verdict({}), null)).toBe(false);
  });
});

describe('threading', () => {
  it('finds references in subjects, bracketed or bare, without repeats', () => {
    expect(extractTicketRefs('Re: [PV-2026-000123] caldaia PV-2026-000123 e MI-2025-000007')).toEqual(['PV-2026-000123', 'MI-2025-000007']);
    expect(extractTicketRefs('pv-2026-000001')).toEqual(['PV-2026-000001']);
    expect(extractTicketRefs('PV-2026-0001234')).toEqual([]);
  });

  it('normalises Message-IDs', () => {
    expect(normaliseMessageId(' <Abc.Def@Mail.Example> ')).toBe('Abc.Def@mail.example');
    expect(parseMessageIdList('<a@x.example> <b@y.example>\r\n <a@x.example>')).toEqual(['a@x.example', 'b@y.example']);
    expect(parseMessageIdList('')).toEqual([]);
  });

  it('orders candidates: subject reference of this agency, In-Reply-To, then References newest first', () => {
    const candidates = threadCandidates({
      subject: 'R: [MI-2026-000001] [PV-2026-000009]',
      inReplyTo: ['c@x'],
      references: ['a@x', 'b@x', 'c@x'],
      ticketPrefix: 'PV',
    });
    expect(candidates).toEqual([
      { kind: 'ref', ref: 'PV-2026-000009' },
      { kind: 'message-id', messageId: 'c@x' },
      { kind: 'message-id', messageId: 'b@x' },
      { kind: 'message-id', messageId: 'a@x' },
    ]);
  });

  it('routes sub-addresses like their mailbox', () => {
    expect(routingAddress('<CallCenter+Urgente@ALER-Pavia-Lodi.example>')).toBe('callcenter@aler-pavia-lodi.example');
  });

  it('compares correspondents case-insensitively but keeps their sub-address', () => {
    expect(correspondentAddress(' <Mario.Rossi@Gmail.com> ')).toBe('mario.rossi@gmail.com');
    expect(correspondentAddress('mario+aler@gmail.com')).toBe('mario+aler@gmail.com');
    expect(correspondentAddress('not an address')).toBeNull();
  });

  it('threads a subject reference only for a known correspondent, a reply whoever sent it, and never into a closed ticket', () => {
    const open = (ref: string, knownSender: boolean) => ({ ref, status: 'routed', knownSender });
    expect(decideThread({ subjectTargets: [open('PV-2026-000001', true)], answered: null })).toEqual({ kind: 'append', ref: 'PV-2026-000001' });
    expect(decideThread({ subjectTargets: [open('PV-2026-000001', false)], answered: null })).toEqual({
      kind: 'linked',
      ref: 'PV-2026-000001',
      link: 'mentions',
      linkedStatus: 'routed',
    });
    expect(decideThread({ subjectTargets: [open('PV-2026-000001', false)], answered: { ref: 'PV-2026-000001', status: 'new' } })).toEqual({
      kind: 'append',
      ref: 'PV-2026-000001',
    });
    expect(decideThread({ subjectTargets: [open('PV-2026-000001', false)], answered: { ref: 'PV-2026-000002', status: 'new' } })).toEqual({
      kind: 'append',
      ref: 'PV-2026-000002',
    });
    expect(decideThread({ subjectTargets: [], answered: { ref: 'PV-2026-000002', status: 'closed' } })).toEqual({
      kind: 'linked',
      ref: 'PV-2026-000002',
      link: 'follow_up',
      linkedStatus: 'closed',
    });
    expect(decideThread({ subjectTargets: [{ ref: 'PV-2026-000003', status: 'cancelled', knownSender: true }], answered: null })).toMatchObject({
      kind: 'linked',
      link: 'follow_up',
    });
    expect(decideThread({ subjectTargets: [], answered: null })).toEqual({ kind: 'new' });
  });
});

describe('PEC', () => {
  it('reads daticert.xml', () => {
    const data = parseDatiCert(`<?xml version="1.0"?><postacert tipo="avvenuta-consegna" errore="nessuno"><intestazione><mittente>a@pec.example</mittente>
      <destinatari tipo="certificato">b@pec.example</destinatari><destinatari tipo="esterno">c@x.example</destinatari><oggetto>Caldaia &amp; acqua</oggetto></intestazione>
      <dati><gestore-emittente>GESTORE</gestore-emittente><identificativo>opec1@pec.example</identificativo><msgid>&lt;orig@x.example&gt;</msgid></dati></postacert>`);
    expect(data).toMatchObject({
      tipo: 'avvenuta-consegna',
      mittente: 'a@pec.example',
      destinatari: ['b@pec.example', 'c@x.example'],
      oggetto: 'Caldaia & acqua',
      msgid: '<orig@x.example>',
      gestoreEmittente: 'GESTORE',
    });
  });

  it('strips the envelope subject prefix', () => {
    expect(stripPecSubjectPrefix('POSTA CERTIFICATA: POSTA CERTIFICATA: Caldaia')).toBe('Caldaia');
  });
});

describe('acknowledgement', () => {
  const schedule: OpeningSchedule = {
    timezone: 'Europe/Rome',
    weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday: weekday as 1, opens: '08:00', closes: '20:00' })),
    exceptions: [],
  };
  const ack = (at: string) =>
    autoAckIt({ agencyName: 'ALER Pavia-Lodi', ref: 'PV-2026-000123', categoryLabel: 'riscaldamento', schedule, receivedAt: new Date(at) });

  it('gives the reference, in Italian, during opening hours', () => {
    const { subject, text } = ack('2026-11-23T10:00:00+01:00');
    expect(subject).toBe('[PV-2026-000123] Segnalazione ricevuta');
    expect(text).toContain('PV-2026-000123');
    expect(text).toContain('riscaldamento');
    expect(text).toContain('al più presto');
    expect(text).not.toContain('chiuso');
  });

  it('says when it will be handled when received out of hours', () => {
    expect(ack('2026-11-23T20:00:00+01:00').text).toContain('a partire da domani alle 8');
    expect(ack('2026-11-24T06:30:00+01:00').text).toContain('a partire da oggi alle 8');
  });

  it('goes to the sender, and to a different Reply-To only when the registry knows it', () => {
    const from = 'maria@posta.example';
    expect(chooseAckRecipient({ from, replyTo: null, replyToOnRegistry: false })).toEqual({ to: from, replyToIgnored: false });
    expect(chooseAckRecipient({ from, replyTo: from, replyToOnRegistry: false })).toEqual({ to: from, replyToIgnored: false });
    expect(chooseAckRecipient({ from, replyTo: 'victim@elsewhere.example', replyToOnRegistry: false })).toEqual({ to: from, replyToIgnored: true });
    expect(chooseAckRecipient({ from, replyTo: 'figlia@posta.example', replyToOnRegistry: true })).toEqual({
      to: 'figlia@posta.example',
      replyToIgnored: false,
    });
    expect(chooseAckRecipient({ from: null, replyTo: 'victim@elsewhere.example', replyToOnRegistry: false })).toEqual({ to: null, replyToIgnored: true });
  });
});
