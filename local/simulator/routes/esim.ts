import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { esimView, requireEsim } from '../domain/esim.js';
import { json } from '../http.js';
import type { RouteDef } from '../router.js';
import { parseWith, queryObject } from '../validation.js';
import { booleanParam } from './common.js';

const querySchema = z.object({ history: booleanParam.optional() });

export function esimRoutes(core: SimulatorCore): RouteDef[] {
  return [
    {
      id: 'esim',
      method: 'GET',
      pattern: '/sim-management/sims/api/esims/sim-serial/:simSerial',
      handler: async (ctx) => {
        const q = parseWith(querySchema, queryObject(ctx.query), 'query');
        const sim = requireEsim(core, ctx.params.simSerial ?? '');
        return json(200, core.variant.esim(await esimView(sim, q.history ?? false)));
      },
    },
  ];
}
