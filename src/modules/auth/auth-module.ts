import type { AppModule, ModuleCore } from '../module.ts';
import { authRoutes } from './auth-routes.ts';
import { createAuthService } from './auth-service.ts';
import { createSecurityLog } from './security-log.ts';
import { resolveSessionSecret } from './session-secret.ts';

/**
 * Sessions, agency API tokens and login. The request hooks that authenticate every request
 * (auth-plugin.ts) are installed by the app on its root, with `service` and `ports.securityLog`.
 */
export function createAuthModule(deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'log'>) {
  const { config, db, clock } = deps;
  const securityLog = createSecurityLog({ db, clock, log: () => deps.log });
  const auth = createAuthService({ db, clock, secret: resolveSessionSecret(config), securityLog });
  return {
    name: 'auth',
    service: auth,
    routes: (api) => authRoutes(api, auth, { publicBaseUrl: config.publicBaseUrl }),
    ports: { securityLog },
  } satisfies AppModule;
}
