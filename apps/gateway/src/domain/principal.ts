import type { z } from 'zod';
import type { UserRole } from '@concert/contracts';

/** Who a verified access token speaks for. */
export interface AccessPrincipal {
  userId: string;
  role: z.infer<typeof UserRole>;
  email: string;
  jti: string;
  /** Expiry, epoch seconds. */
  exp: number;
}
/** What a verified queue token grants: this user's turn at this concert. */
export interface QueuePass {
  userId: string;
  concertId: string;
  jti: string;
  exp: number;
}
