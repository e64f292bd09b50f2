import type { Route } from '../route.js';
import { coreRoutes } from './core.js';
import { opsRoutes } from './ops.js';

/** Every route the server answers, whichever entry point receives the request. */
export const ROUTES: readonly Route[] = [...coreRoutes, ...opsRoutes];
