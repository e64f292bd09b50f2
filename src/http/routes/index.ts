import type { Route } from '../route.js';
import { compatRoutes } from './compat.js';
import { coreRoutes } from './core.js';
import { dataRoutes } from './data.js';
import { docsRoutes } from './docs.js';
import { jobsRoutes } from './jobs.js';
import { opsRoutes } from './ops.js';
import { playgroundRoutes } from './playground.js';
import { v2Routes } from './v2.js';

/** Every route the server answers, whichever entry point receives the request. */
export const ROUTES: readonly Route[] = [
  ...coreRoutes,
  ...compatRoutes,
  ...jobsRoutes,
  ...dataRoutes,
  ...opsRoutes,
  ...v2Routes,
  ...docsRoutes,
  ...playgroundRoutes,
];
