import { SaxesParser } from 'saxes';

/** Parses `xml` strictly (XML 1.0 well-formedness, legal characters); returns the error, or null if it is well-formed. */
export function xmlWellFormednessError(xml: string): string | null {
  const parser = new SaxesParser();
  let failure: string | null = null;
  parser.on('error', (error) => {
    failure ??= error.message;
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    failure ??= (error as Error).message;
  }
  return failure;
}

/** The text content of every <Say> element, decoded. */
export function spokenTexts(xml: string): string[] {
  const parser = new SaxesParser();
  const texts: string[] = [];
  let inSay = false;
  parser.on('opentag', (tag) => {
    if (tag.name === 'Say') {
      inSay = true;
      texts.push('');
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'Say') inSay = false;
  });
  parser.on('text', (text) => {
    if (inSay) texts[texts.length - 1] += text;
  });
  parser.write(xml).close();
  return texts;
}
