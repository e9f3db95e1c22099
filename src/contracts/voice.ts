import { z } from 'zod';

/** One layer of voice settings as stored: null is "not set here" (generated text, the agency's value, the default). */
export const VoiceLayerView = z.strictObject({
  greeting: z.string().nullable(),
  menuIntro: z.string().nullable(),
  closedMessage: z.string().nullable(),
  emergencyNumber: z.string().nullable(),
  neutralGreeting: z.boolean().nullable(),
  offerCallbacks: z.boolean().nullable(),
  emailAcknowledgements: z.boolean().nullable(),
  askRating: z.boolean().nullable(),
});
export type VoiceLayerView = z.infer<typeof VoiceLayerView>;

/** The voice part of an agency's configuration (audited with it): the agency's layer and each portfolio's overrides. */
export const AgencyVoiceConfig = z.strictObject({
  agency: VoiceLayerView,
  portfolios: z.array(z.strictObject({ portfolio: z.string(), ...VoiceLayerView.shape })),
});
export type AgencyVoiceConfig = z.infer<typeof AgencyVoiceConfig>;

/** The agency's own settings, every flag decided. */
const AgencyVoiceSettings = z.strictObject({
  ...VoiceLayerView.shape,
  neutralGreeting: z.boolean(),
  offerCallbacks: z.boolean(),
  emailAcknowledgements: z.boolean(),
  askRating: z.boolean(),
});

/** What a field left empty means: the text generated now, or what a portfolio inherits from the agency. */
const VoiceHints = z.strictObject({
  greeting: z.string(),
  menuIntro: z.string().nullable(),
  closedMessage: z.string(),
  emergencyNumber: z.string().nullable(),
});

/** GET/PUT /api/v1/admin/agencies/:code/voice. */
export const AgencyVoice = z.strictObject({
  agency: z.string(),
  /** The agency's zone: the preview's date and time are read on its clock. */
  timezone: z.string(),
  settings: AgencyVoiceSettings,
  /** What the agency's callers hear where its own texts are empty (closed message: as generated for this instant). */
  generated: VoiceHints,
  /** The menu generated from the categories, said after the greeting and introduction. */
  menuPrompt: z.string(),
  portfolios: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      overrides: VoiceLayerView,
      /** What the portfolio's callers hear where it overrides nothing. */
      inherited: VoiceHints,
    }),
  ),
});
export type AgencyVoice = z.infer<typeof AgencyVoice>;

/** One thing the caller meets, in order, read from the TwiML. */
export const VoicePreviewLine = z.strictObject({
  verb: z.enum(['say', 'gather', 'enqueue', 'dial', 'play', 'hangup', 'other']),
  text: z.string(),
});

/** GET /api/v1/admin/agencies/:code/voice-preview: the first webhook's answer at an instant. */
export const VoicePreview = z.strictObject({
  agency: z.string(),
  portfolio: z.string().nullable(),
  at: z.string(),
  open: z.boolean(),
  twiml: z.string(),
  lines: z.array(VoicePreviewLine),
});
export type VoicePreview = z.infer<typeof VoicePreview>;
