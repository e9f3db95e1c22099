import { DateTime } from 'luxon';
import type { OperationsReport } from '../../contracts/reports.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { notFound } from '../../domain/errors.ts';
import { callbackFigures, emailResponseFigures, operatorFigures, siteFigures } from '../../domain/operations-figures.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { monthChunks } from './call-rollup.ts';
import * as repo from './operations-repo.ts';
import { readPaced } from './paced-reads.ts';
import { checkDayRange } from './reports-service.ts';

export type OperationsEstimate = ReturnType<typeof createOperationsReport>;

/**
 * How the service was delivered over a period, for the supervisors and the agency's liaison:
 * answered calls, talk and wrap-up time by the site of the operators (on site, remote), call-backs
 * against their deadlines, and how soon a person acted on the e-mails. Aggregated to sites: figures
 * per operator are workforce monitoring, which Italian law restricts (art. 4 of the Statuto dei
 * lavoratori), and are given to supervisors only where an administrator named the agreement that
 * allows them. Read from the raw records a month at a time (callers first).
 */
export function createOperationsReport(deps: {
  db: Database;
  directory: AgencyDirectory;
  clock: Clock;
  wrapUpLimitSeconds: number;
  /** The agreement allowing figures per operator (PER_OPERATOR_AGREEMENT); undefined: none are given. */
  perOperatorAgreement: string | undefined;
}) {
  const { db, directory, clock } = deps;

  return async function operations(actor: Actor, query: { agency: string; from: string; to: string }): Promise<OperationsReport> {
    assertRole(actor, 'operator', 'supervisor', 'admin', 'agency');
    assertCanSeeAgency(actor, query.agency, 'Agency');
    const agency = directory.agency(query.agency);
    if (!agency) throw notFound('Agency');
    checkDayRange(query.from, query.to);
    const now = clock.now();
    // The call center's own staff are not the agency's business: its liaison never gets them.
    const perOperator = deps.perOperatorAgreement !== undefined && (actor.role === 'supervisor' || actor.role === 'admin');
    const instants = (month: { from: string; to: string }): repo.InstantRange => ({
      agency: agency.code,
      from: DateTime.fromISO(month.from, { zone: agency.timezone }).toJSDate(),
      to: DateTime.fromISO(month.to, { zone: agency.timezone }).plus({ days: 1 }).toJSDate(),
    });
    const pieces = await readPaced(monthChunks(query.from, query.to), async (month) => {
      const range = instants(month);
      return {
        operators: perOperator ? await repo.operatorSums(db, range, deps.wrapUpLimitSeconds) : [],
        sites: await repo.siteSums(db, range, deps.wrapUpLimitSeconds),
        callbacks: await repo.callbackSums(db, range, now),
        email: await repo.emailFirstResponses(db, range),
      };
    });
    return {
      agency: agency.code,
      agencyName: agency.name,
      from: query.from,
      to: query.to,
      timezone: agency.timezone,
      bySite: siteFigures(pieces.flatMap((piece) => piece.sites)),
      callbacks: callbackFigures(pieces.map((piece) => piece.callbacks)),
      email: emailResponseFigures(
        pieces.reduce((sum, piece) => sum + piece.email.received, 0),
        pieces.flatMap((piece) => piece.email.minutes),
      ),
      perOperator: perOperator ? { agreement: deps.perOperatorAgreement!, rows: operatorFigures(pieces.flatMap((piece) => piece.operators)) } : null,
    };
  };
}
