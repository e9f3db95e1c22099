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
 * While a caller is being answered: a promise settled once none is (at most MAX_WAIT_MS). Otherwise
 * undefined, so that a stream reading its next piece goes on without even a microtask.
 */
export function callersAnswered(): Promise<void> | undefined {
  if (answering === 0) return undefined;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, MAX_WAIT_MS);
    timer.unref();
    waiting.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Before each step of background work: a turn of the event loop, then, while a caller is being
 * answered, a wait until none is (at most MAX_WAIT_MS).
 */
export async function backgroundTurn(): Promise<void> {
  await nextTurn();
  await callersAnswered();
}

// One background step at a time in the whole process.
let stepRunning = false;
const stepsWaiting: Array<() => void> = [];

function takeStepSlot(): Promise<void> | undefined {
  if (!stepRunning) {
    stepRunning = true;
    return undefined;
  }
  return new Promise((resolve) => stepsWaiting.push(resolve));
}

function releaseStepSlot(): void {
  const next = stepsWaiting.shift();
  if (next) next();
  else stepRunning = false;
}

/**
 * One step of background work (a statement storing a chunk of a photo, reading a week of a
 * report), run after `backgroundTurn` and never beside another: background steps of the whole
 * process take turns. Each waits for callers before it starts, but one already sent to the
 * database is not called back, and on PGlite's single connection a caller's statement queues
 * behind every statement sent before it: with two photos being stored, their attachments, and two
 * reports, five steps ran at once and a call's statement waited for all five. Taking turns, it
 * waits for one. A step must not start another step (it would wait for itself), and must not run
 * inside a transaction: on PGlite's one connection the transaction would hold the connection while
 * waiting for the turn, and the step holding the turn would wait for the connection. That is why
 * the subject search, which an erasure runs inside its transaction, only uses `backgroundTurn`.
 */
export async function backgroundStep<T>(step: () => Promise<T>): Promise<T> {
  await takeStepSlot();
  try {
    await backgroundTurn();
    return await step();
  } finally {
    releaseStepSlot();
  }
}

/**
 * A request body being read (a 25 MB e-mail) stops reading while a caller is being answered: each
 * piece read costs the loop hashing and copying, and at the speed of a local network hundreds of
 * pieces would share every turn of the loop with the caller's few steps. Paused, the socket's
 * unread bytes wait in the kernel (and the sender), not in this process. Call after each piece;
 * `stillReading` stops a resume after the body was refused or finished meanwhile.
 */
export function pauseWhileCallersWait(stream: { pause(): unknown; resume(): unknown }, stillReading: () => boolean): void {
  const answered = callersAnswered();
  if (!answered) return;
  stream.pause();
  void answered.then(() => {
    if (stillReading()) stream.resume();
  });
}
