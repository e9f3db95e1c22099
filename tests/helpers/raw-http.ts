import net from 'node:net';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a hand-written HTTP client saw: the answer (if any), how much body it managed to send, and whether the server hung up. */
export type RawExchange = Readonly<{
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** Body bytes the client wrote before the server answered and hung up, or before it ran out of body. */
  bodyBytesSent: number;
  closedByServer: boolean;
}>;

export type RawRequest = Readonly<{
  /** Request line and headers, without the blank line that ends them (unless `headEnds` is false: more header lines follow in `body`). */
  head: string;
  headEnds?: boolean;
  /** After the answer, wait for the server to close an idle keep-alive connection. */
  waitForClose?: boolean;
  /** Body pieces, written as fast as the socket takes them (or `everyMs` apart) until the server answers or hangs up. */
  body?: Iterable<Buffer>;
  everyMs?: number;
}>;

/**
 * Speaks HTTP/1.1 over a bare socket, as a hostile client would: no `Connection: close` unless the
 * head says so, a body that may be larger than declared or trickle in. Resolves once an answer has
 * been read completely or the server has closed the connection; the client then hangs up.
 */
export function rawExchange(port: number, request: RawRequest): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let received = Buffer.alloc(0);
    let bodyBytesSent = 0;
    let closedByServer = false;
    let bodyDone = false;
    let done = false;
    // A hostile client keeps sending after the answer: the exchange ends when the server hangs up,
    // or when the body is all sent and the answer does not announce that the server will hang up.
    const settleIfOver = () => {
      if (!isCompleteResponse(received)) return;
      if (closedByServer || (bodyDone && !request.waitForClose && !/\r\nconnection: *close/i.test(received.toString('latin1')))) finish();
    };
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ ...parseResponse(received), bodyBytesSent, closedByServer });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      settleIfOver();
    });
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server hung up while we were still writing: what matters is what it answered.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') {
        closedByServer = true;
        finish();
      } else if (!done) {
        done = true;
        reject(error);
      }
    });
    socket.on('connect', async () => {
      socket.write(request.headEnds === false ? `${request.head}\r\n` : `${request.head}\r\n\r\n`);
      for (const piece of request.body ?? []) {
        if (done || socket.destroyed) return;
        if (request.everyMs) await sleep(request.everyMs);
        if (done || socket.destroyed) return;
        bodyBytesSent += piece.length;
        if (!socket.write(piece)) await new Promise((next) => (socket.once('drain', next), socket.once('close', next)));
      }
      bodyDone = true;
      settleIfOver();
    });
  });
}

/** The bytes the server read on each connection, recorded when the connection closes. */
export function recordBytesRead(server: Server): { last(): Promise<number> } {
  const sockets: net.Socket[] = [];
  server.on('connection', (socket: net.Socket) => sockets.push(socket));
  return {
    async last() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no connection yet');
      if (!socket.destroyed) await new Promise((closed) => socket.once('close', closed));
      return socket.bytesRead;
    },
  };
}

/** `count` times the same piece (or `size` bytes of "a"): 100 MiB of body is never in memory at once. */
export function* pieces(count: number, piece: Buffer | number): Iterable<Buffer> {
  const bytes = typeof piece === 'number' ? Buffer.alloc(piece, 0x61) : piece;
  for (let index = 0; index < count; index += 1) yield bytes;
}

/** Chunked transfer encoding around pieces of body, with the final empty chunk. */
export function* chunked(body: Iterable<Buffer>): Iterable<Buffer> {
  for (const piece of body) yield Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  yield Buffer.from('0\r\n\r\n');
}

function isCompleteResponse(bytes: Buffer): boolean {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(bytes.subarray(0, end).toString('latin1'));
  return length !== null && bytes.length >= end + 4 + Number(length[1]);
}

function parseResponse(bytes: Buffer): Pick<RawExchange, 'status' | 'headers' | 'body'> {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return { status: null, headers: {}, body: '' };
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: bytes.subarray(end + 4).toString('utf8') };
}
