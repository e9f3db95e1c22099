import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import type { DomainEvent, EventBus } from '../domain/events.ts';
import type { Database } from '../db/client.ts';

/**
 * The shape every module has. Each folder of src/modules has one entry, `createXModule(deps)` in
 * `<x>-module.ts`, which returns one of these: everything the module adds to the app is listed
 * there, so a reader finds it from the module's folder. The module list
 * (src/modules/module-list.ts) creates them in order and hands each one the ports of the others.
 */
export type AppModule<Service = unknown, Ports = unknown> = Readonly<{
  /** For logs and the worker list. */
  name: string;
  /** The verbs, with their guards, that routes, webhooks and other modules call. */
  service: Service;
  /** Registers the module's HTTP routes; the app calls it inside one plugin shared by all modules. */
  routes?: (api: FastifyInstance) => void;
  /** Listeners of the domain-event bus, subscribed when the app is built and removed when it closes. */
  subscriptions?: readonly EventSubscription[];
  /** Background jobs (and resources to close), started once the app is ready, stopped when it closes. */
  workers?: readonly Worker[];
  /** What this module offers other modules: narrow ports, which the module list passes on. */
  ports?: Ports;
}>;

export type EventSubscription = (event: DomainEvent) => void;

/**
 * A background job of a module. The app starts its workers in list order once it is ready (every
 * plugin loaded, before `listen` binds) and stops them in reverse order when it closes.
 */
export type Worker = Readonly<{
  name: string;
  /** Schedules the work and returns at once: readiness never waits for a worker. */
  start(): void;
  /** Stops the job and waits for work in flight; safe when `start` never ran. */
  stop(): Promise<void>;
}>;

/** What every module may receive: the app's shared infrastructure. */
export type ModuleCore = Readonly<{
  config: Config;
  db: Database;
  /** How many statements the database runs at once (PGlite 1, Postgres its pool). */
  connections: number;
  clock: Clock;
  bus: EventBus;
  log: FastifyBaseLogger;
}>;

/**
 * A worker that runs `job` after `firstDelayMs` (0: as it starts) and then every `intervalMs`, never two runs at once;
 * `stop` waits for the run in flight. Failures go to `onError` and the next run comes as planned.
 */
export function intervalWorker(options: {
  name: string;
  firstDelayMs: number;
  intervalMs: number;
  job: () => Promise<unknown>;
  onError: (error: unknown) => void;
}): Worker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const run = () => {
    if (stopped || running) return;
    running = options
      .job()
      .then(
        () => undefined,
        (error: unknown) => options.onError(error),
      )
      .finally(() => {
        running = null;
      });
  };
  return {
    name: options.name,
    start() {
      stopped = false;
      const first = () => {
        run();
        timer = setInterval(run, options.intervalMs).unref();
      };
      if (options.firstDelayMs === 0) first();
      else timer = setTimeout(first, options.firstDelayMs).unref();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(timer);
      await running;
    },
  };
}
