import { post } from './api.ts';

export type BrowserCall = Readonly<{ hangUp(): void }>;

/**
 * The Twilio Voice SDK path, used only when the server has the Twilio variables: the SDK (a large
 * library) is fetched from our own server the first time an operator takes a call, never before,
 * and never from the internet. `connect()` makes Twilio request /webhooks/twilio/voice/operator as
 * `client:<username>`; the server picks the caller and the bridge arrives as a `call.bridged` event.
 */
export async function callNextWithTwilio(handlers: { onEnded: (reason: string | null) => void }): Promise<BrowserCall> {
  return connectWithTwilio(undefined, handlers);
}

/**
 * A call back: the params /api/v1/callbacks/:id/dial answered (`To`, `CallbackId`) travel through
 * Twilio to the voice URL, which checks them again before dialling the tenant.
 */
export async function callBackWithTwilio(params: Record<string, string>, handlers: { onEnded: (reason: string | null) => void }): Promise<BrowserCall> {
  return connectWithTwilio(params, handlers);
}

async function connectWithTwilio(params: Record<string, string> | undefined, handlers: { onEnded: (reason: string | null) => void }): Promise<BrowserCall> {
  const [{ token }, sdk] = await Promise.all([post<{ token: string }>('/api/v1/softphone/token'), import('@twilio/voice-sdk')]);
  const device = new sdk.Device(token, { closeProtection: 'Una chiamata è in corso: chiudere la pagina la interrompe.' });
  const call = await device.connect(params ? { params } : undefined);
  let ended = false;
  const end = (reason: string | null) => {
    if (ended) return;
    ended = true;
    handlers.onEnded(reason);
    device.destroy();
  };
  call.on('disconnect', () => end(null));
  call.on('cancel', () => end(null));
  call.on('error', (error: { message?: string }) => end(error.message ?? 'Errore del softphone'));
  return { hangUp: () => call.disconnect() };
}
