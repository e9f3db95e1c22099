/**
 * What a caller hears, per agency and per portfolio (issue 16 §4). An agency may write its own
 * greeting, menu introduction and closed message, or leave them null to keep the generated ones;
 * a portfolio overrides any of the agency's fields and inherits the rest. Pure: the in-memory
 * directory resolves these while the database is away.
 */

/** One layer of settings: null means "not set here" (the generated text, the agency's value, the default). */
export type VoiceLayer = Readonly<{
  greeting: string | null;
  menuIntro: string | null;
  closedMessage: string | null;
  emergencyNumber: string | null;
  neutralGreeting: boolean | null;
  offerCallbacks: boolean | null;
  emailAcknowledgements: boolean | null;
  /** One question after an answered call: a rating 1–5 by keypad (issue 17 §4). */
  askRating: boolean | null;
}>;

/** What a call to one number (agency, maybe portfolio) is answered with, every choice made. */
export type EffectiveVoice = Readonly<{
  greeting: string | null;
  menuIntro: string | null;
  closedMessage: string | null;
  emergencyNumber: string | null;
  neutralGreeting: boolean;
  offerCallbacks: boolean;
  emailAcknowledgements: boolean;
  askRating: boolean;
}>;

export const EMPTY_VOICE_LAYER: VoiceLayer = {
  greeting: null,
  menuIntro: null,
  closedMessage: null,
  emergencyNumber: null,
  neutralGreeting: null,
  offerCallbacks: null,
  emailAcknowledgements: null,
  askRating: null,
};

/** Today's behaviour: generated texts, agency named, call-backs and acknowledgements offered, no rating asked. */
export const VOICE_DEFAULTS = { neutralGreeting: false, offerCallbacks: true, emailAcknowledgements: true, askRating: false } as const;

/** The portfolio's field where it set one, else the agency's, else the default. */
export function effectiveVoice(agency: VoiceLayer, portfolio: VoiceLayer | undefined): EffectiveVoice {
  const pick = <K extends keyof VoiceLayer>(key: K): VoiceLayer[K] => portfolio?.[key] ?? agency[key];
  return {
    greeting: pick('greeting'),
    menuIntro: pick('menuIntro'),
    closedMessage: pick('closedMessage'),
    emergencyNumber: pick('emergencyNumber'),
    neutralGreeting: pick('neutralGreeting') ?? VOICE_DEFAULTS.neutralGreeting,
    offerCallbacks: pick('offerCallbacks') ?? VOICE_DEFAULTS.offerCallbacks,
    emailAcknowledgements: pick('emailAcknowledgements') ?? VOICE_DEFAULTS.emailAcknowledgements,
    askRating: pick('askRating') ?? VOICE_DEFAULTS.askRating,
  };
}

/** Longest texts an administrator may write: a spoken sentence or two, not a letter. */
export const VOICE_TEXT_LIMITS = { greeting: 300, menuIntro: 300, closedMessage: 1000 } as const;

/**
 * The neutral greeting, for services whose callers may be at risk (an anti-violence centre): it
 * names no service and no agency, so that whoever stands beside the caller hears an ordinary office.
 */
export const NEUTRAL_GREETING_IT = 'Buongiorno, risponde il servizio.';

/** The generated greeting: the agency (and portfolio) by name, or the neutral one. */
export function generatedGreetingIt(agencyName: string, portfolioName: string | null, neutral: boolean): string {
  if (neutral) return NEUTRAL_GREETING_IT;
  const forWhom = portfolioName ? `${agencyName}, ${portfolioName}` : agencyName;
  return `Benvenuto nel servizio segnalazioni di ${forWhom}.`;
}

const E164 = /^\+[1-9]\d{5,14}$/;
const TEXT_NAMES_IT = { greeting: 'Il saluto', menuIntro: "L'introduzione al menu", closedMessage: 'Il messaggio di chiusura' } as const;

/**
 * What is wrong with one layer an administrator wants to save, in Italian, one sentence per
 * problem (`where`: «dell'ente», «del portafoglio Comune di Pavia»); empty when it can be saved.
 * An empty text is refused rather than saved: null (an emptied field) means "the generated text".
 */
export function voiceLayerProblemsIt(layer: VoiceLayer, where: string): string[] {
  const problems: string[] = [];
  for (const key of ['greeting', 'menuIntro', 'closedMessage'] as const) {
    const text = layer[key];
    if (text === null) continue;
    if (text.trim() === '') problems.push(`${TEXT_NAMES_IT[key]} ${where} è vuoto: lasci il campo vuoto per usare il testo generato.`);
    else if (text.length > VOICE_TEXT_LIMITS[key]) {
      problems.push(`${TEXT_NAMES_IT[key]} ${where} è lungo ${text.length} caratteri: al massimo ${VOICE_TEXT_LIMITS[key]}.`);
    } else if (text !== text.trim()) problems.push(`${TEXT_NAMES_IT[key]} ${where} inizia o finisce con spazi.`);
  }
  if (layer.emergencyNumber !== null && !E164.test(layer.emergencyNumber)) {
    problems.push(`Il numero di emergenza ${where} deve essere nel formato internazionale, per esempio +39800100100.`);
  }
  return problems;
}
