/**
 * What makes a message too costly to parse, found by linear scans before the expensive work:
 * thousands of MIME parts, multiparts nested dozens deep (the splitter compares every `--` line
 * with each open boundary), HTML nested thousands deep (the HTML parser's cost grows with the
 * square of the depth: `'<div>'.repeat(400000)` held a thread for 48 s). Such mail is kept and
 * quarantined with the reason, never parsed further.
 */

export type ParseLimits = Readonly<{
  /** MIME parts, the message itself included. */
  maxParts: number;
  /** Multiparts inside multiparts. Real mail: 2–5 (mixed > related > alternative, signed). */
  maxMimeDepth: number;
  /** HTML converted to text at most; the rest is left out (the text is capped anyway). */
  maxHtmlChars: number;
  /** Elements open inside each other in that HTML. */
  maxHtmlDepth: number;
  /** Children of one HTML element converted (a 50,000-row table is cut with an ellipsis). */
  maxHtmlChildNodes: number;
}>;

export const DEFAULT_PARSE_LIMITS: ParseLimits = Object.freeze({
  maxParts: 1000,
  maxMimeDepth: 32,
  maxHtmlChars: 512 * 1024,
  maxHtmlDepth: 1000,
  maxHtmlChildNodes: 10_000,
});

/** Why a message was not parsed: the quarantine reasons a supervisor reads. */
export type ComplexityReason = 'too_many_parts' | 'too_complex';

export class ParseLimitError extends Error {
  readonly reason: ComplexityReason;
  constructor(reason: ComplexityReason, message: string) {
    super(message);
    this.name = 'ParseLimitError';
    this.reason = reason;
  }
}

const LF = 0x0a;
const DASH = 0x2d;
const LINE_THEN_DASHES = Buffer.from('\n--', 'latin1');
/** A header block that never ends (no blank line) stops being read for a Content-Type here. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Counts the MIME parts and the nesting of multiparts, and throws as soon as a limit is passed.
 * Embedded messages (message/rfc822) are not entered, as the parser does not enter them either.
 * One pass over the bytes: headers are read line by line, bodies are skipped to the next line
 * starting with `--`, which is compared with the open boundaries (at most `maxMimeDepth`).
 */
export function assertMimeShape(raw: Buffer, limits: ParseLimits): { parts: number; depth: number } {
  const open: string[] = [];
  let parts = 1;
  let depth = 0;
  let inHeader = true;
  let header: string[] = [];
  let headerBytes = 0;
  let start = 0;
  while (start < raw.length) {
    if (!inHeader) {
      // In a body only a line starting with `--` can matter: jump to the next one.
      if (open.length === 0) break;
      if (!(raw[start] === DASH && raw[start + 1] === DASH)) {
        const next = raw.indexOf(LINE_THEN_DASHES, start);
        if (next < 0) break;
        start = next + 1;
      }
    }
    let end = raw.indexOf(LF, start);
    if (end < 0) end = raw.length;
    const lineLength = end - start;
    const isBlank = lineLength === 0 || (lineLength === 1 && raw[start] === 0x0d);
    if (inHeader) {
      if (isBlank) {
        inHeader = false;
        const boundary = multipartBoundary(header.join('\n'));
        header = [];
        headerBytes = 0;
        if (boundary !== null) {
          open.push(boundary);
          depth = Math.max(depth, open.length);
          if (depth > limits.maxMimeDepth) throw new ParseLimitError('too_complex', `MIME multiparts nested deeper than ${limits.maxMimeDepth} levels`);
        }
      } else if (headerBytes < MAX_HEADER_BYTES) {
        header.push(raw.toString('latin1', start, raw[end - 1] === 0x0d ? end - 1 : end));
        headerBytes += lineLength;
      }
    } else if (lineLength >= 3) {
      const line = raw.toString('latin1', start + 2, Math.min(end, start + 2 + 200)).trimEnd();
      for (let level = open.length - 1; level >= 0; level -= 1) {
        const boundary = open[level];
        if (line === boundary) {
          // The next part of this multipart: every multipart opened inside it has ended.
          open.length = level + 1;
          parts += 1;
          if (parts > limits.maxParts) throw new ParseLimitError('too_many_parts', `more than ${limits.maxParts} MIME parts`);
          inHeader = true;
          break;
        }
        if (line === `${boundary}--`) {
          open.length = level;
          break;
        }
      }
    }
    start = end + 1;
  }
  return { parts, depth };
}

/** The boundary of a header block whose Content-Type is multipart/*, or null. */
function multipartBoundary(header: string): string | null {
  const unfolded = header.replace(/\n[ \t]+/g, ' ');
  const contentType = /^content-type:[ \t]*multipart\/[^;\n]*;(.*)$/im.exec(unfolded);
  if (!contentType) return null;
  const boundary = /(?:^|;)\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType[1]);
  return boundary ? (boundary[1] ?? boundary[2]).trim() : null;
}

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'basefont',
  'bgsound',
  'frame',
  'keygen',
]);
/** Elements HTML closes by itself when a sibling starts: never counted as nesting. */
const IMPLIED_END_ELEMENTS = new Set([
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'option',
  'optgroup',
  'rb',
  'rt',
  'rtc',
  'rp',
  'thead',
  'tbody',
  'tfoot',
  'colgroup',
]);

/**
 * How deep the elements of an HTML document nest, scanning the tags once and stopping past `max`.
 * Comments are skipped; closing a tag closes whatever was opened inside it.
 */
export function htmlDepthExceeds(html: string, max: number): boolean {
  const stack: string[] = [];
  const open = new Map<string, number>();
  let i = html.indexOf('<');
  while (i >= 0) {
    let pos = i + 1;
    if (html.startsWith('!--', pos)) {
      const end = html.indexOf('-->', pos + 3);
      i = end < 0 ? -1 : html.indexOf('<', end + 3);
      continue;
    }
    const closing = html.charCodeAt(pos) === 0x2f;
    if (closing) pos += 1;
    const nameStart = pos;
    while (pos < html.length && isTagNameChar(html.charCodeAt(pos))) pos += 1;
    if (pos === nameStart) {
      i = html.indexOf('<', pos);
      continue;
    }
    const name = html.slice(nameStart, pos).toLowerCase();
    const end = html.indexOf('>', pos);
    if (end < 0) break;
    const selfClosing = html.charCodeAt(end - 1) === 0x2f;
    if (!VOID_ELEMENTS.has(name) && !IMPLIED_END_ELEMENTS.has(name) && !selfClosing) {
      if (!closing) {
        stack.push(name);
        open.set(name, (open.get(name) ?? 0) + 1);
        if (stack.length > max) return true;
      } else if (open.get(name)) {
        let popped: string | undefined;
        do {
          popped = stack.pop();
          if (popped !== undefined) open.set(popped, (open.get(popped) ?? 1) - 1);
        } while (popped !== undefined && popped !== name);
      }
    }
    i = html.indexOf('<', end + 1);
  }
  return false;
}

function isTagNameChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x3a;
}
