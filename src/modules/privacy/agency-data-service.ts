import { createHash } from 'node:crypto';
import { backgroundTurn } from '../../util/callers-first.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertRole } from '../../domain/actor.ts';
import { AppError, conflict, validation } from '../../domain/errors.ts';
import { agencyTables, tablesDeletedAtContractEnd, tablesKeptAtContractEnd } from '../../domain/privacy-data-map.ts';
import { countAgencyRows, deleteAgencyRows, lockAgency, pageOfRows } from './agency-rows-repo.ts';
import type { PrivacyContext } from './privacy-context.ts';
import type { PrivacyServiceDeps, RequestContext } from './privacy-service.ts';
import { findCompletedExport, finishReceipt, insertReceipt } from './receipts-repo.ts';

const AGENCY_EXPORT_FORMAT = 'centralino-agency-export/1';
/**
 * Tables whose rows come and go without anyone adding the agency's data: sessions of its users,
 * events in transit between nodes, and the call rollups (derived from calls; the sealer worker
 * seals a day whenever it runs). A deletion does not compare their counts with the export's.
 */
const VOLATILE_TABLES = new Set(['sessions', 'cluster_event_overflow', 'call_rollup_hourly', 'call_rollup_watermarks']);

/** The agency's own data as a whole: its full export, and the end-of-contract deletion that needs one. */
export function createAgencyDataService(deps: PrivacyServiceDeps, context: PrivacyContext) {
  const { db, clock, directory, log } = deps;
  const { tables, assertActsFor, view, actorColumns, recordAccess } = context;

  return {
    /**
     * Everything the agency has here, streamed as JSON Lines: a header, one line per row (binary
     * columns in base64, secrets left out), a line closing each table with its count, and an end
     * line with every count. The SHA-256 of exactly these bytes goes into the receipt when the
     * last line has been handed over; an export whose reader went away is marked failed.
     */
    async exportAgency(actor: Actor, agency: string, context: RequestContext = {}) {
      const known = await assertActsFor(actor, agency, 'admin', 'agency');
      const info = await tables();
      const startedAt = clock.now();
      const receipt = await insertReceipt(db, {
        kind: 'agency_export',
        agencyCode: agency,
        status: 'started',
        requestedAt: startedAt,
        ...actorColumns(actor),
        details: { format: AGENCY_EXPORT_FORMAT },
        requestId: context.requestId ?? null,
      });
      await recordAccess(actor, agency, 'agency-export', receipt.id);
      const rules = [...agencyTables()].reverse().filter((rule) => info.has(rule.table));

      async function* lines(): AsyncGenerator<string> {
        const hash = createHash('sha256');
        let bytes = 0;
        const counts: Record<string, number> = {};
        let finished = false;
        const emit = (text: string) => {
          hash.update(text);
          bytes += Buffer.byteLength(text);
          return text;
        };
        try {
          yield emit(
            `${JSON.stringify({
              type: 'header',
              format: AGENCY_EXPORT_FORMAT,
              exportId: receipt.id,
              agency: { code: agency, name: known.name, timezone: known.timezone },
              startedAt: startedAt.toISOString(),
              tables: rules.map((rule) => rule.table),
              notes:
                'One JSON object per line. Rows as stored (snake_case columns); binary columns in base64; password and token hashes and webhook secrets left out.',
            })}\n`,
          );
          for (const rule of rules) {
            const table = info.get(rule.table)!;
            // Rows with bytes (e-mail chunks of up to 64 KiB) a few at a time: each page stays one short statement.
            const limit = table.columns.some((column) => column.dataType === 'bytea') ? 4 : 500;
            const prefix = `{"type":"row","table":${JSON.stringify(rule.table)},"row":`;
            let after: string[] | null = null;
            let rows = 0;
            for (;;) {
              const page = await pageOfRows(db, table, rule, agency, after, limit);
              if (page.rows.length > 0) yield emit(page.rows.map((row) => `${prefix}${row}}\n`).join(''));
              rows += page.rows.length;
              if (page.rows.length < limit) break;
              after = page.last;
              // PGlite runs each page's statement on the event loop, and awaiting it never yields:
              // without this turn the whole export held every webhook until its last line.
              await backgroundTurn();
              if (rows % 10_000 < limit) log.info({ exportId: receipt.id, agency, table: rule.table, rows }, 'agency export progress');
            }
            counts[rule.table] = rows;
            log.info({ exportId: receipt.id, agency, table: rule.table, rows }, 'agency export: table done');
            yield emit(`${JSON.stringify({ type: 'table', table: rule.table, rows })}\n`);
          }
          const completedAt = clock.now();
          yield emit(`${JSON.stringify({ type: 'end', exportId: receipt.id, completedAt: completedAt.toISOString(), counts })}\n`);
          const sha256 = hash.digest('hex');
          await finishReceipt(db, receipt.id, { status: 'completed', completedAt, counts, sha256, byteSize: bytes });
          finished = true;
          log.info({ exportId: receipt.id, agency, bytes, sha256 }, 'agency export completed');
        } finally {
          if (!finished) {
            await finishReceipt(db, receipt.id, { status: 'failed', completedAt: clock.now(), counts, byteSize: bytes }).catch((error: unknown) =>
              log.error({ err: error, exportId: receipt.id }, 'could not mark the export failed'),
            );
          }
        }
      }
      return { receipt: view(receipt), lines: lines() };
    },

    /**
     * End of contract: deletes every row of the agency that the export handed back, in one
     * transaction, provided an export of it completed with the SHA-256 given and nothing has
     * been added since (counts compared table by table under a lock on the agency). Kept:
     * issued statements, the contract, the access log and the receipts (the reasons are printed).
     */
    async deleteAgencyData(actor: Actor, agency: string, request: { exportSha256: string; confirm: string }, context: RequestContext = {}) {
      assertRole(actor, 'admin');
      if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only an administrator deletes an agency');
      const known = await assertActsFor(actor, agency, 'admin');
      if (request.confirm !== agency) throw validation('confirm must repeat the agency code');
      const sha256 = request.exportSha256.toLowerCase();
      const exported = await findCompletedExport(db, agency, sha256);
      if (!exported) throw conflict('No completed export of this agency has that SHA-256: export its data first and quote the SHA-256 of that export');
      const info = await tables();
      const exportedCounts = exported.counts ?? {};
      const now = clock.now();
      const receipt = await db.transaction(async (tx) => {
        if (!(await lockAgency(tx, agency))) throw new AppError('NOT_FOUND', 'Agency not found');
        const deletable = tablesDeletedAtContractEnd().filter((rule) => info.has(rule.table));
        const changed: string[] = [];
        for (const rule of deletable) {
          if (VOLATILE_TABLES.has(rule.table)) continue;
          const now = await countAgencyRows(tx, rule, agency);
          const then = exportedCounts[rule.table] ?? 0;
          if (now !== then) changed.push(`${rule.table} ${then} → ${now}`);
        }
        if (changed.length > 0) throw conflict(`The agency's data changed since that export (${changed.join(', ')}): export it again`);
        const counts: Record<string, number> = {};
        for (const rule of deletable) counts[rule.table] = await deleteAgencyRows(tx, rule, agency);
        const kept = [];
        for (const rule of tablesKeptAtContractEnd().filter((candidate) => info.has(candidate.table))) {
          kept.push({ table: rule.table, rows: await countAgencyRows(tx, rule, agency), reason: rule.reason });
        }
        return insertReceipt(tx, {
          kind: 'agency_deletion',
          agencyCode: agency,
          status: 'completed',
          requestedAt: now,
          completedAt: clock.now(),
          ...actorColumns(actor),
          counts,
          sha256,
          byteSize: exported.byteSize,
          details: {
            agencyName: known.name,
            exportReceiptId: exported.id,
            exportedAt: exported.completedAt?.toISOString() ?? null,
            exportCounts: exportedCounts,
            kept,
          },
          requestId: context.requestId ?? null,
        });
      });
      await directory.reload(db);
      await recordAccess(actor, agency, 'agency-deletion', receipt.id);
      log.info({ agency, receipt: receipt.id, counts: receipt.counts }, 'agency data deleted at the end of its contract');
      return view(receipt);
    },
  };
}
