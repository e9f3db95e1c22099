import type { VoicePreview } from '../../contracts/voice.ts';

type Line = VoicePreview['lines'][number];

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_match, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity.toLowerCase()] ?? '';
  });
}

function attributes(source: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of source.matchAll(/([\w:-]+)="([^"]*)"/g)) found[match[1]!] = decode(match[2]!);
  return found;
}

/**
 * What a caller meets, in order, read back from the TwiML we render (our own, simple XML: verbs,
 * attributes, text): each Say's words, what a Gather waits for (`menu`: the digits the agency's
 * menu offers), the queue or number a caller is put through to, the end of the call. Read from the
 * TwiML rather than from the decision, so the preview says what Twilio would be told.
 */
export function twimlLines(twiml: string, menu: readonly Readonly<{ digit: number; label: string }>[]): Line[] {
  const lines: Line[] = [];
  const open: { name: string; attrs: Record<string, string>; text: string }[] = [];
  for (const match of twiml.matchAll(/<(\/?)([\w]+)([^>]*?)(\/?)>|([^<]+)/g)) {
    const [, closing, name, attrSource, selfClosing, text] = match;
    if (text !== undefined) {
      const top = open.at(-1);
      if (top) top.text += decode(text);
      continue;
    }
    if (name === undefined || name === 'Response' || name.startsWith('?')) continue;
    if (!closing) {
      const element = { name, attrs: attributes(attrSource ?? ''), text: '' };
      if (selfClosing) lines.push(...finished(element, menu));
      else open.push(element);
      continue;
    }
    const element = open.pop();
    if (element) lines.push(...finished(element, menu));
  }
  return lines;
}

function gatherLine(attrs: Record<string, string>, menu: readonly Readonly<{ digit: number; label: string }>[]): Line {
  const seconds = attrs.timeout ? `, per ${attrs.timeout} secondi` : '';
  const offered = menu.map((option) => `${option.digit} ${option.label}`).join(', ');
  return { verb: 'gather', text: `Attende un tasto${seconds}${offered ? `: ${offered}` : ''}.` };
}

/** The line of an element once its content has been read: a Gather after the prompt said inside it. */
function finished(element: { name: string; attrs: Record<string, string>; text: string }, menu: readonly Readonly<{ digit: number; label: string }>[]): Line[] {
  const text = element.text.trim();
  switch (element.name) {
    case 'Say':
      return [{ verb: 'say', text }];
    case 'Gather':
      return [gatherLine(element.attrs, menu)];
    case 'Enqueue':
      return [{ verb: 'enqueue', text: `In attesa nella coda ${text}.` }];
    case 'Number':
      return [{ verb: 'dial', text: `Chiama il numero ${text}.` }];
    case 'Queue':
      return [{ verb: 'dial', text: `Collega la coda ${text}.` }];
    case 'Dial':
      return text ? [{ verb: 'dial', text: `Trasferisce la chiamata al numero ${text}.` }] : [];
    case 'Play':
      return [{ verb: 'play', text: 'Musica di attesa.' }];
    case 'Hangup':
      return [{ verb: 'hangup', text: 'Fine della chiamata.' }];
    default:
      return [{ verb: 'other', text: element.name }];
  }
}
