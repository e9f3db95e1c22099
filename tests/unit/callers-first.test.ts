import { createHmac } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backgroundStep, callerAnswered, callerArrived, callersBeingAnswered } from '../../src/util/callers-first.ts';
import { readSignedBody } from '../../webhooks/email/signed-body.ts';

/**
 * Callers first, as the isolation bench found it mattered: while a caller is being answered, a big
 * e-mail stops being read off the socket, and background statements (chunks of photos, weeks of a
 * report) go one at a time, so a caller's statement on PGlite's single connection waits for one,
 * not for every writer's.
 */

// The bound on a wait for callers (a steady stream of calls must not stop mail for ever) is a timer: held still here.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  while (callersBeingAnswered() > 0) callerAnswered();
  vi.useRealTimers();
});

async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await nextTurn();
}

describe('an e-mail body being read while a caller is answered', () => {
  it('is read no further until the answer is sent, then arrives whole', async () => {
    const body = new PassThrough();
    const reading = readSignedBody(body, {}, 'secret', 1_000_000);
    callerArrived();
    body.write(Buffer.alloc(1000, 'a'));
    await turns(3);
    body.write(Buffer.alloc(1000, 'b'));
    body.end();
    await turns(10);
    // The second piece waits in the stream: nothing after the first was taken while the caller waited.
    expect(body.isPaused()).toBe(true);
    expect(body.readableLength).toBe(1000);
    callerAnswered();
    const { bytes, hmac } = await reading;
    expect(bytes.size).toBe(2000);
    const expected = createHmac('sha256', 'secret')
      .update(Buffer.concat([Buffer.alloc(1000, 'a'), Buffer.alloc(1000, 'b')]))
      .digest();
    expect(hmac.equals(expected)).toBe(true);
  });

  it('is read at full speed when no caller is being answered', async () => {
    const body = new PassThrough();
    const reading = readSignedBody(body, {}, 'secret', 1_000_000);
    for (let piece = 0; piece < 5; piece += 1) body.write(Buffer.alloc(1000));
    body.end();
    expect((await reading).bytes.size).toBe(5000);
  });
});

describe('background steps', () => {
  it('take turns across the whole process: two writers never have two statements out at once', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const statement = async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await turns(2);
      running -= 1;
    };
    const writer = async () => {
      for (let chunk = 0; chunk < 5; chunk += 1) await backgroundStep(statement);
    };
    await Promise.all([writer(), writer(), writer()]);
    expect(mostAtOnce).toBe(1);
  });

  it('start none while a caller is being answered, and go on once the answer is sent', async () => {
    const done: number[] = [];
    callerArrived();
    const steps = Promise.all([1, 2].map((n) => backgroundStep(async () => void done.push(n))));
    await turns(20);
    expect(done).toEqual([]);
    callerAnswered();
    await steps;
    expect(done).toEqual([1, 2]);
  });

  it('let the next one go when a step fails', async () => {
    const failing = backgroundStep(() => Promise.reject(new Error('the database went away')));
    const next = backgroundStep(async () => 'stored');
    await expect(failing).rejects.toThrow('the database went away');
    await expect(next).resolves.toBe('stored');
  });
});
