import pg from 'pg';
import type { Logger } from 'pino';

/**
 * The relay's dedicated session: holds the advisory lock that makes one replica the publisher
 * and LISTENs for wake-ups. If the session dies Postgres frees the lock and a standby takes over.
 */
export class RelayLease {
  private client: pg.Client | undefined;
  private held = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly lockKey: [number, number],
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly logger?: Logger,
  ) {}

  get holder(): pg.Client | undefined {
    return this.held ? this.client : undefined;
  }

  /** Returns the leader's connection, or undefined while another replica holds the lease. */
  async tryAcquire(): Promise<pg.Client | undefined> {
    if (this.held) return this.client;
    const client = this.client ?? (await this.connect());
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', this.lockKey);
    if (!rows[0]?.ok) return undefined;
    await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    this.held = true;
    this.logger?.info({ channel: this.channel }, 'outbox relay lease acquired');
    return client;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.config, keepAlive: true, application_name: 'outbox-relay' });
    client.on('error', (err) => {
      this.logger?.warn({ err }, 'outbox relay connection lost');
      this.drop();
    });
    client.on('notification', () => this.onNotify());
    await client.connect();
    this.client = client;
    return client;
  }

  /** Abandons the session (and with it the lock); the next tryAcquire reconnects. */
  drop(): void {
    const client = this.client;
    this.client = undefined;
    if (this.held) this.logger?.warn('outbox relay lease dropped');
    this.held = false;
    client?.end().catch(() => undefined);
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held = false;
    await client?.end().catch(() => undefined);
  }
}
