import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How long a refused client has to read its answer before the connection is torn down. */
const LINGER_MS = 2_000;

/**
 * A request refused before its body was read (wrong credentials, a declared size over the limit,
 * an unknown route) closes its connection once the answer is sent. Otherwise Node would read and
 * discard the rest of the body to keep the connection alive: an unsigned 100 MiB post would still
 * cost 100 MiB of traffic and the time to receive it.
 */
export function closeConnectionsOfUnreadBodies(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode >= 400 && request.raw.complete === false) {
      reply.header('connection', 'close');
      lingerBeforeClosing(request.raw);
    }
  });
}

/**
 * Closing a socket that still has unread bytes makes the kernel answer with a reset, and a client
 * that is still writing then loses the answer that was already on its way (no status instead of
 * 413). So Node's close after the answer becomes a half-close, as nginx's lingering close: the
 * answer and a FIN go out, the socket stops reading (the client's writes stall, nothing more is
 * received), and it is destroyed when the client hangs up or after LINGER_MS.
 */
function lingerBeforeClosing(incoming: IncomingMessage): void {
  // Node ends a `Connection: close` exchange with socket.destroySoon() once the answer is written.
  const socket = incoming.socket as Socket & { destroySoon?: () => void; _handle?: { readStop?: () => number } };
  socket.destroySoon = () => {
    // The HTTP parser reads the socket's handle directly, so socket.pause() would not stop it.
    socket._handle?.readStop?.();
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
