import { z } from 'zod';
import { LOCATIONS, PRESENCES } from './operator-service.ts';

export const PresenceBody = z.object({ presence: z.enum(PRESENCES), location: z.enum(LOCATIONS).optional() });

export const OperatorListQuery = z.object({ agency: z.string().min(1).optional() });

export const OperatorParams = z.object({ username: z.string().trim().min(1).max(100) });

export const OperatorQueuesBody = z.object({ queues: z.array(z.string().min(1).max(200)).max(100) });
