import type { AgencyConfig } from '../../../src/contracts/admin.ts';
import { ListSection } from './list-section.tsx';
import { ADMIN_API } from './admin-paths.ts';
import type { RowValue } from './rows-editor.tsx';
import { firstDuplicate } from './rows-editor.tsx';

const NUMBER_KIND = { numero_verde: 'Numero verde', landline: 'Numero fisso' } as const;
const E164 = /^\+[1-9]\d{5,14}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** "+39 02 4000 0000", "02 40000000" → "+390240000000": people write numbers with spaces and without the prefix. */
function e164Of(written: string): string {
  const digits = written.replace(/[\s./-]/g, '');
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  return digits.startsWith('+') ? digits : `+39${digits}`;
}

/** The portfolio choice of a number or address: none, or one of the agency's portfolios. */
function portfolioOptions(config: AgencyConfig): Record<string, string> {
  return { '': 'Tutto l’ente', ...Object.fromEntries(config.portfolios.map((portfolio) => [portfolio.id, portfolio.name])) };
}

type Props = { config: AgencyConfig; readOnly: boolean; onSaved: (config: AgencyConfig) => void };

export function PortfoliosSection({ config, readOnly, onSaved }: Props) {
  return (
    <ListSection<AgencyConfig>
      id="portfolios"
      title="Portafogli"
      help="Patrimoni gestiti per conto di altri (per esempio gli alloggi di un Comune): numeri e indirizzi possono appartenere a un portafoglio."
      url={ADMIN_API.agencyPart(config.code, 'portfolios')}
      columns={[
        { key: 'id', label: 'Codice', placeholder: 'comune-di-pavia' },
        { key: 'name', label: 'Nome', placeholder: 'Comune di Pavia' },
      ]}
      initial={config.portfolios.map((portfolio) => ({ id: portfolio.id, name: portfolio.name }))}
      blank={{ id: '', name: '' }}
      addLabel="Aggiungi portafoglio"
      emptyText="Nessun portafoglio: l’ente gestisce solo il proprio patrimonio."
      conflictText="Questo codice di portafoglio è già usato da un altro ente: scegline un altro."
      readOnly={readOnly}
      problem={(rows) => {
        const bad = rows.find((row) => !SLUG.test(row.id));
        if (bad) return `Il codice «${bad.id}» non è valido: usa lettere minuscole, cifre e trattini (almeno 2 caratteri).`;
        if (rows.some((row) => !row.name.trim())) return 'Ogni portafoglio ha bisogno di un nome.';
        const twice = firstDuplicate(rows.map((row) => row.id));
        return twice ? `Il codice «${twice}» compare due volte.` : null;
      }}
      body={(rows) => ({ portfolios: rows.map((row) => ({ id: row.id, name: row.name.trim() })) })}
      onSaved={onSaved}
    />
  );
}

export function NumbersSection({ config, readOnly, onSaved }: Props) {
  return (
    <ListSection<AgencyConfig>
      id="numbers"
      title="Numeri"
      help="Le linee su cui chiamano gli inquilini: il numero chiamato decide l’ente (e il portafoglio) della chiamata. La modifica vale dalla chiamata successiva."
      url={ADMIN_API.agencyPart(config.code, 'numbers')}
      columns={[
        { key: 'e164', label: 'Numero', placeholder: '+39 800 100 100', inputMode: 'tel' },
        { key: 'kind', label: 'Tipo', options: NUMBER_KIND },
        { key: 'label', label: 'Etichetta', placeholder: 'facoltativa' },
        { key: 'portfolio', label: 'Portafoglio', options: portfolioOptions(config) },
      ]}
      initial={config.numbers.map((number) => ({ e164: number.e164, kind: number.kind, label: number.label ?? '', portfolio: number.portfolio ?? '' }))}
      blank={{ e164: '', kind: 'landline', label: '', portfolio: '' }}
      addLabel="Aggiungi numero"
      emptyText="Nessun numero: le chiamate a questo ente non possono arrivare. Aggiungi il numero verde o il fisso."
      conflictText="Uno dei numeri è già assegnato a un altro ente: toglilo prima da quell’ente."
      readOnly={readOnly}
      problem={(rows) => {
        const bad = rows.find((row) => !E164.test(e164Of(row.e164)));
        if (bad) return `Il numero «${bad.e164}» non è valido: scrivilo con il prefisso, per esempio +39 800 100 100.`;
        const twice = firstDuplicate(rows.map((row) => e164Of(row.e164)));
        return twice ? `Il numero ${twice} compare due volte.` : null;
      }}
      body={(rows) => ({
        numbers: rows.map((row: RowValue) => ({ e164: e164Of(row.e164), kind: row.kind, label: row.label.trim() || null, portfolio: row.portfolio || null })),
      })}
      onSaved={onSaved}
    />
  );
}

export function AddressesSection({ config, readOnly, onSaved }: Props) {
  return (
    <ListSection<AgencyConfig>
      id="addresses"
      title="Indirizzi e-mail"
      help="Le caselle a cui scrivono gli inquilini: un messaggio a uno di questi indirizzi diventa una segnalazione dell’ente."
      url={ADMIN_API.agencyPart(config.code, 'email-addresses')}
      columns={[
        { key: 'address', label: 'Indirizzo', placeholder: 'segnalazioni@ente.it', inputMode: 'email' },
        { key: 'portfolio', label: 'Portafoglio', options: portfolioOptions(config) },
      ]}
      initial={config.emailAddresses.map((entry) => ({ address: entry.address, portfolio: entry.portfolio ?? '' }))}
      blank={{ address: '', portfolio: '' }}
      addLabel="Aggiungi indirizzo"
      emptyText="Nessun indirizzo: le e-mail per questo ente finiscono in quarantena. Aggiungi la casella delle segnalazioni."
      conflictText="Uno degli indirizzi è già assegnato a un altro ente: toglilo prima da quell’ente."
      readOnly={readOnly}
      problem={(rows) => {
        const bad = rows.find((row) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(row.address.trim()));
        if (bad) return `L’indirizzo «${bad.address}» non è valido.`;
        const twice = firstDuplicate(rows.map((row) => row.address.trim().toLowerCase()));
        return twice ? `L’indirizzo ${twice} compare due volte.` : null;
      }}
      body={(rows) => ({ addresses: rows.map((row) => ({ address: row.address.trim().toLowerCase(), portfolio: row.portfolio || null })) })}
      onSaved={onSaved}
    />
  );
}
