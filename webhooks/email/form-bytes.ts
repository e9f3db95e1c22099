/**
 * `application/x-www-form-urlencoded` decoded to bytes, not to UTF-8 strings: a raw message in
 * ISO-8859-1 posted by a provider must reach the MIME parser byte for byte.
 */
export function decodeFormBytes(body: Buffer): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26 /* & */, start);
    if (end < 0) end = body.length;
    if (end > start) {
      const pair = body.subarray(start, end);
      const equals = pair.indexOf(0x3d /* = */);
      const name = percentDecode(equals >= 0 ? pair.subarray(0, equals) : pair).toString('utf8');
      const value = percentDecode(equals >= 0 ? pair.subarray(equals + 1) : Buffer.alloc(0));
      if (!fields.has(name)) fields.set(name, value);
    }
    start = end + 1;
  }
  return fields;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

function percentDecode(input: Buffer): Buffer {
  const output = Buffer.allocUnsafe(input.length);
  let length = 0;
  for (let index = 0; index < input.length; index += 1) {
    const byte = input[index];
    if (byte === 0x2b /* + */) {
      output[length++] = 0x20;
    } else if (byte === 0x25 /* % */ && index + 2 < input.length && hexValue(input[index + 1]) >= 0 && hexValue(input[index + 2]) >= 0) {
      output[length++] = hexValue(input[index + 1]) * 16 + hexValue(input[index + 2]);
      index += 2;
    } else {
      output[length++] = byte;
    }
  }
  return output.subarray(0, length);
}
