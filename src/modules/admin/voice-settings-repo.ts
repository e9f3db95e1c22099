import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { agencies, portfolios, voiceSettings } from '../../db/schema/index.ts';
import type { VoiceLayer } from '../../domain/voice-texts.ts';

export type VoiceSettingsRow = typeof voiceSettings.$inferSelect;

/** The agency's row (portfolio null) and its portfolios' rows, the agency's first. */
export async function voiceRowsOf(db: Executor, code: string): Promise<VoiceSettingsRow[]> {
  return db.select().from(voiceSettings).where(eq(voiceSettings.agencyCode, code)).orderBy(asc(voiceSettings.portfolioId));
}

/**
 * Replaces the agency's voice settings as a whole: its own layer (its emergency number stays in
 * `agencies`, where the rest of the platform reads it) and the overrides of the listed portfolios;
 * a portfolio left out inherits everything again.
 */
export async function replaceVoice(
  db: Executor,
  code: string,
  own: VoiceLayer,
  portfolioLayers: readonly (VoiceLayer & { portfolio: string })[],
): Promise<void> {
  await db.update(agencies).set({ emergencyNumber: own.emergencyNumber }).where(eq(agencies.code, code));
  await db.delete(voiceSettings).where(eq(voiceSettings.agencyCode, code));
  const rows = [
    { ...own, agencyCode: code, portfolioId: null, emergencyNumber: null },
    ...portfolioLayers.map(({ portfolio, ...layer }) => ({ ...layer, agencyCode: code, portfolioId: portfolio })),
  ];
  await db.insert(voiceSettings).values(rows);
}

/** The agency's portfolios by id, with their names for the problems an administrator reads. */
export async function portfolioNamesOf(db: Executor, code: string): Promise<Map<string, string>> {
  const rows = await db.select({ id: portfolios.id, name: portfolios.name }).from(portfolios).where(eq(portfolios.agencyCode, code));
  return new Map(rows.map((row) => [row.id, row.name]));
}
