import type { Db, Tx } from '@concert/db';
import type { PaymentSchema } from './schema';

export type PaymentDb = Db<PaymentSchema>;
export type PaymentTx = Tx<PaymentSchema>;
/** Repository functions take either: a plain query or a statement inside the caller's transaction. */
export type Executor = PaymentDb | PaymentTx;
