import { CATEGORY_TITLE_IT } from '../../src/domain/category-labels.ts';

/** Italian labels and number formats shared by the screens. */

/** Indexed by whatever category a payload carries: unknown ones fall back at the call site. */
export const CATEGORY_LABEL: Readonly<Record<string, string>> = CATEGORY_TITLE_IT;

export const TICKET_STATUS_LABEL: Readonly<Record<string, string>> = {
  new: 'Nuova',
  routed: 'Inviata all’ente',
  acknowledged: 'Presa in carico',
  closed: 'Chiusa',
  cancelled: 'Annullata',
};

export const PRESENCE_LABEL: Readonly<Record<string, string>> = {
  available: 'Disponibile',
  on_call: 'In chiamata',
  wrap_up: 'Post-chiamata',
  break: 'In pausa',
  offline: 'Non in servizio',
};

export const LOCATION_LABEL: Readonly<Record<string, string>> = {
  on_site: 'In sede',
  remote: 'Da remoto',
  sede: 'In sede',
  remoto: 'Da remoto',
};

export const ROLE_LABEL: Readonly<Record<string, string>> = {
  operator: 'Operatore',
  supervisor: 'Supervisore',
  admin: 'Amministratore',
  agency: 'Referente ente',
};

export const CHANNEL_LABEL: Readonly<Record<string, string>> = {
  voice: 'Telefono',
  email: 'E-mail',
  numero_verde: 'Numero verde',
  landline: 'Numero fisso',
};

const integer = new Intl.NumberFormat('it-IT');
const oneDecimal = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 1, minimumFractionDigits: 0 });

export const formatInteger = (value: number | null | undefined) => (value === null || value === undefined ? '—' : integer.format(value));
export const formatPct = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${oneDecimal.format(value)}%`);
export const formatSeconds = (value: number | null | undefined) => (value === null || value === undefined ? '—' : formatDuration(value));

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

const dateTime = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });

export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');
export const formatTime = (iso: string | null | undefined) => (iso ? timeOnly.format(new Date(iso)) : '—');

/** +393471234567 → "+39 347 123 4567", +390382401234 → "+39 0382 401234", +390240000000 → "+39 02 4000 0000". */
export function formatPhone(phone: string | null | undefined): string {
  if (!phone) return 'Numero nascosto';
  const mobile = /^\+39(3\d{2})(\d{3})(\d{3,4})$/.exec(phone);
  if (mobile) return `+39 ${mobile[1]} ${mobile[2]} ${mobile[3]}`;
  const milan = /^\+39(02)(\d{4})(\d+)$/.exec(phone);
  if (milan) return `+39 ${milan[1]} ${milan[2]} ${milan[3]}`;
  const landline = /^\+39(0\d{3})(\d+)$/.exec(phone);
  if (landline) return `+39 ${landline[1]} ${landline[2]}`;
  return phone;
}

export function queueLabel(queue: string | null | undefined): string {
  if (!queue) return '—';
  const category = queue.slice(queue.lastIndexOf('.') + 1);
  return CATEGORY_LABEL[category] ?? queue;
}
