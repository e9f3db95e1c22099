import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Callers first: background work that goes step by step (the chunks of a 25 MB e-mail, a long
 * report) steps aside while a voice webhook is being answered in this process.
 *
 * Giving the event loop a turn between steps is not enough on PGlite: the database is one
 * connection executing on this thread, so each statement of a call's answer queues behind one
 * background statement, and a call making six statements while two messages are stored waits for
 * twelve chunks (about 60 ms). Here a background step waits until no voice request is in flight,
 * so a call waits at most for the one step under way when it arrived. The wait is bounded, so a
 * steady stream of calls slows background work down but never stops it.
 *
 * Per process on purpose: the event loop, and PGlite's connection, are the process's.
 */

/** The longest a background step waits for callers before it goes anyway. */
const MAX_WAIT_MS = 250;

let answering = 0;
let waiting: Array<() => void> = [];

/** A voice request has arrived: background steps wait until it is answered. */
export function callerArrived(): void {
  answering += 1;
}

/** That voice request has been answered (or failed): call once per `callerArrived`. */
export function callerAnswered(): void {
  answering = Math.max(0, answering - 1);
  if (answering > 0) return;
  const ready = waiting;
  waiting = [];
  for (const resume of ready) resume();
}

/** Voice requests being answered right now (an answer that never ends would show here). */
export function callersBeingAnswered(): number {
  return answering;
}

/**
 * Before each step of background work: a turn of the event loop, then, while a caller is being
 * answered, a wait until none is (at most MAX_WAIT_MS).
 */
export async function backgroundTurn(): Promise<void> {
  await nextTurn();
  if (answering === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, MAX_WAIT_MS);
    timer.unref();
    waiting.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
