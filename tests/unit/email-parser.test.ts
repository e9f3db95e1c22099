import { describe, expect, it } from 'vitest';
import { parseEmail, safeFilename } from '../../src/modules/email/email-parser.ts';
import { emailFixture } from '../helpers/email-requests.ts';

describe('parseEmail', () => {
  it('decodes ISO-8859-1 quoted-printable and RFC 2047 subjects (Outlook)', async () => {
    const mail = await parseEmail(emailFixture('outlook-caldaia-latin1.eml'));
    expect(mail.subject).toBe('Caldaia guasta, niente acqua calda né riscaldamento');
    expect(mail.text).toContain("la caldaia del mio appartamento è guasta da ieri sera: non c'è più acqua calda");
    expect(mail.from).toEqual({ address: 'giuseppina.bianchi@outlook.it', name: 'Giuseppina Bianchi' });
    expect(mail.to).toEqual(['callcenter@aler-pavia-lodi.example']);
    expect(mail.messageId).toBe('AM7PR03MB6529B1C0E1F9E4D6A0F8C2D1B1A92@am7pr03mb6529.eurprd03.prod.outlook.com');
  });

  it('decodes Windows-1252 8bit: euro sign and curly apostrophe', async () => {
    const mail = await parseEmail(emailFixture('windows-1252-ascensore.eml'));
    expect(mail.text).toContain('l’ascensore del civico 3 è fermo da lunedì');
    expect(mail.text).toContain('1.200 €');
  });

  it('decodes Latin-1 8bit bodies', async () => {
    const mail = await parseEmail(emailFixture('latin1-8bit-perdita.eml'));
    expect(mail.subject).toBe('Perdita sotto il lavello - urgenza perché allaga');
    expect(mail.text).toContain("C'è una perdita sotto il lavello");
    expect(mail.text).toContain('Però così non possiamo più cucinare');
  });

  it('turns HTML-only mail into text without scripts, styles or tracking images', async () => {
    const mail = await parseEmail(emailFixture('html-only-termosifoni.eml'));
    expect(mail.text).toContain('da tre giorni i termosifoni della scala C sono freddi');
    expect(mail.text).not.toMatch(/alert|<|font-family|tracker/);
  });

  it('keeps the inline photo of an Apple Mail message as an attachment', async () => {
    const mail = await parseEmail(emailFixture('apple-mail-infiltrazione-foto.eml'));
    expect(mail.text).toContain("vi mando la foto dell'infiltrazione");
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'IMG_4821.jpeg', contentType: 'image/jpeg', inline: true });
    expect(mail.attachments[0].content.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('reads what it can of a message whose boundary does not match', async () => {
    const mail = await parseEmail(emailFixture('broken-boundary.eml'));
    expect(mail.subject).toBe('Muffa in bagno');
    expect(mail.text).toContain('La muffa in bagno è tornata');
  });

  it('unwraps a PEC envelope: the original message, its sender and Message-ID, and daticert.xml', async () => {
    const mail = await parseEmail(emailFixture('pec-posta-certificata.eml'));
    expect(mail.pec).toMatchObject({
      kind: 'envelope',
      unwrapped: true,
      daticert: { tipo: 'posta-certificata', mittente: 'avv.moretti@pec.ordineavvocatipavia.example' },
    });
    expect(mail.subject).toBe('Diffida - riscaldamento non funzionante - sig.ra Conti');
    expect(mail.from?.address).toBe('avv.moretti@pec.ordineavvocatipavia.example');
    expect(mail.messageId).toBe('f00d2a8c-1b2c-4d5e-9f80-a1b2c3d4e5f6@pec.ordineavvocatipavia.example');
    expect(mail.text).toContain('vi diffido a ripristinare entro 48 ore il riscaldamento');
    expect(mail.text).not.toContain('Messaggio di Posta Certificata');
  });

  it('recognises PEC receipts and what they refer to', async () => {
    const mail = await parseEmail(emailFixture('pec-avvenuta-consegna.eml', { ACK_MESSAGE_ID: 'ack.1@aler-pavia-lodi.example' }));
    expect(mail.pec).toMatchObject({ kind: 'receipt', receipt: 'avvenuta-consegna', refersTo: 'ack.1@aler-pavia-lodi.example' });
  });

  it('finds no mail in random bytes', async () => {
    const mail = await parseEmail(emailFixture('garbage.bin'));
    expect(mail.looksLikeMail).toBe(false);
  });
});

describe('safeFilename', () => {
  it('keeps accents, drops path and control characters, names nameless parts', () => {
    expect(safeFilename('Eelanalüüsi päring.jpg', 'image/jpeg', 1)).toBe('Eelanalüüsi päring.jpg');
    expect(safeFilename('../../etc/passwd', 'text/plain', 1)).toBe('_.._etc_passwd');
    expect(safeFilename(undefined, 'image/jpeg', 3)).toBe('allegato-3.jpg');
    expect(safeFilename('', 'message/rfc822', 2)).toBe('allegato-2.eml');
  });
});
