import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VoiceDecision } from '../../src/modules/calls/voice-decisions.ts';
import { renderDecision, renderQueueWait } from '../../webhooks/twilio/twiml.ts';
import { spokenTexts, xmlWellFormednessError } from '../helpers/xml.ts';

// Strings as hostile as callers' data and agency names get: markup, entities, quotes, control
// characters, lone surrogates, emoji, right-to-left marks, very long runs.
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('<Hangup/>', ']]>', '&amp;', '&#0;', '"\'<>&', '\u0000\u0008\u001f', '\ud800', '\u202e', "É un'emergenza: caldaia & termosifoni <rotti>"),
  fc.string({ minLength: 5000, maxLength: 20000 }),
);

/** XML 1.0 cannot carry these at all: a correct renderer drops them rather than emit broken XML. */
const LEGAL_XML_CHARS = /[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const legalPart = (text: string) => (text.match(LEGAL_XML_CHARS) ?? []).join('');

const decisions: fc.Arbitrary<VoiceDecision> = fc.oneof(
  hostileText.map((message) => ({ kind: 'closed', message, emergencyNumber: null }) as const),
  fc.tuple(hostileText, hostileText).map(([message, number]) => ({ kind: 'closed', message, emergencyNumber: number }) as const),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.option(hostileText, { nil: null })).map(([attempt, greeting]) => ({ kind: 'menu', attempt, greeting }) as const),
  fc
    .tuple(hostileText, fc.constantFrom('maintenance', 'heating', 'admin'), fc.boolean())
    .map(([queueName, category, chosen]) => ({ kind: 'enqueue', queueName, category, chosen }) as const),
  hostileText.map((result) => ({ kind: 'queue_result', result }) as const),
  hostileText.map((queueName) => ({ kind: 'dial_queue', queueName }) as const),
  fc.constantFrom<VoiceDecision>({ kind: 'unknown_number' }, { kind: 'nothing_waiting' }, { kind: 'bridging' }, { kind: 'ack' }, { kind: 'rating_goodbye' }),
  fc.integer({ min: 1, max: 2 }).map((attempt) => ({ kind: 'rating_question', attempt }) as const),
  fc.constantFrom(1, 2, 3, 4, 5).map((rating) => ({ kind: 'rating_thanks', rating }) as const),
);

describe('TwiML rendering never breaks the XML', () => {
  it('renders every decision, whatever its strings hold, as well-formed XML', () => {
    fc.assert(
      fc.property(decisions, hostileText, (decision, baseUrl) => {
        const xml = renderDecision(decision, baseUrl);
        expect(xmlWellFormednessError(xml)).toBeNull();
        expect(xml.startsWith('<?xml')).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps what a caller should hear: the legal characters of a message survive, markup stays text', () => {
    fc.assert(
      fc.property(hostileText, (message) => {
        const xml = renderDecision({ kind: 'closed', message, emergencyNumber: null }, 'https://x.example');
        const [spoken] = spokenTexts(xml);
        expect(spoken).toBe(legalPart(message));
        // A message containing "<Hangup/>" is spoken, not obeyed: exactly one real Hangup verb.
        expect(xml.match(/<Hangup\/>/g)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('renders the wait announcement for any position and average wait', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: -5, max: 100_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: -5, max: 10_000_000 }), { nil: undefined }),
        hostileText,
        (position, wait, music) => {
          expect(xmlWellFormednessError(renderQueueWait(position, wait, music))).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});
