import { defaultCategoryRows } from '../modules/agencies/category-rows.ts';

/** CONTRACT §3: the demo agencies, their numbers and addresses. Tests use the same data. */
export const DEMO_AGENCIES = [
  {
    code: 'aler-milano',
    name: 'ALER Milano',
    ticketPrefix: 'MI',
    emergencyNumber: null as string | null,
    portfolios: [] as { id: string; name: string }[],
    numbers: [
      { e164: '+39800100100', kind: 'numero_verde' as const, label: 'Numero verde', portfolioId: null as string | null },
      { e164: '+390240000000', kind: 'landline' as const, label: 'Centralino', portfolioId: null as string | null },
    ],
    addresses: [{ address: 'segnalazioni@aler-milano.example', portfolioId: null as string | null }],
  },
  {
    code: 'aler-pavia-lodi',
    name: 'ALER Pavia-Lodi',
    ticketPrefix: 'PV',
    emergencyNumber: null as string | null,
    portfolios: [{ id: 'comune-di-pavia', name: 'Patrimonio abitativo del Comune di Pavia' }],
    numbers: [
      { e164: '+39800200200', kind: 'numero_verde' as const, label: 'Numero verde', portfolioId: null as string | null },
      { e164: '+390382000000', kind: 'landline' as const, label: 'Centralino', portfolioId: null as string | null },
      { e164: '+39800300300', kind: 'numero_verde' as const, label: 'Numero verde Comune di Pavia', portfolioId: 'comune-di-pavia' },
    ],
    addresses: [
      { address: 'callcenter@aler-pavia-lodi.example', portfolioId: null as string | null },
      { address: 'patrimonio-comunale@aler-pavia-lodi.example', portfolioId: 'comune-di-pavia' },
    ],
  },
] as const;

/** Every day 08:00:00–19:59:59 Europe/Rome: the half-open range [08:00, 20:00). */
export const DEMO_WEEKLY_HOURS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '20:00' }));

/** The three default categories of CONTRACT §3 and their queues (`<agency>.maintenance`, …). */
export const DEMO_QUEUES = (agencyCode: string) => defaultCategoryRows(agencyCode).queues;
export const DEMO_CATEGORIES = (agencyCode: string) => defaultCategoryRows(agencyCode).categories;

/** ALER Pavia-Lodi: 42,990.00 EUR + VAT a year, billed quarterly in arrears, 36 months from 2025-05-03. */
export const DEMO_CONTRACTS = [
  {
    agencyCode: 'aler-pavia-lodi',
    version: 1,
    effectiveFrom: '2025-05-03',
    annualFeeCents: 4_299_000,
    currency: 'EUR',
    vatExcluded: true,
    billing: 'quarterly_in_arrears',
    startsOn: '2025-05-03',
    months: 36,
    tacitRenewal: true,
    noticeMonths: 3,
  },
];
