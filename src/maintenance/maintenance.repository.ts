import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { inTransaction } from '../database/pg-transaction';
import { PrismaService } from '../database/prisma.service';
import { notifyDueSql } from '../due-notices/due-notice';
import type { SchedulerStateResponse } from './dto/scheduler-state.response';

const NEVER_CHANGED: SchedulerStateResponse = { paused: false, changedAt: null, changedBy: null };

const SELECT_STATE = 'SELECT paused, changed_at AS "changedAt", changed_by AS "changedBy" FROM scheduler_state WHERE id = 1';

const WRITE_STATE = `
  INSERT INTO scheduler_state (id, paused, changed_at, changed_by) VALUES (1, $1, now(), $2)
  ON CONFLICT (id) DO UPDATE SET paused = $1, changed_at = now(), changed_by = $2
  RETURNING paused, changed_at AS "changedAt", changed_by AS "changedBy"`;

/** What a switch did, and what it found before. */
export interface Switched {
  before: SchedulerStateResponse;
  after: SchedulerStateResponse;
}

/** The maintenance switch's one row (see schema.prisma, SchedulerState); the claim reads it in its own SQL. */
@Injectable()
export class MaintenanceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async read(): Promise<SchedulerStateResponse> {
    const { rows } = await this.prisma.pool.query<SchedulerStateResponse>(SELECT_STATE);
    return rows[0] ?? NEVER_CHANGED;
  }

  /**
   * Sets the switch unless it is already so, letting `alongside` write the audit entry in the same
   * transaction. A resume announces "due now" on the due channel: every scheduling instance claims at
   * once what waited, each occurrence by its misfire policy.
   */
  set(paused: boolean, by: string, alongside: (client: PoolClient, switched: Switched) => Promise<void>): Promise<Switched> {
    return inTransaction(this.prisma.pool, async (client) => {
      const before = (await client.query<SchedulerStateResponse>(`${SELECT_STATE} FOR UPDATE`)).rows[0] ?? NEVER_CHANGED;
      if (before.paused === paused) return { before, after: before };
      const after = (await client.query<SchedulerStateResponse>(WRITE_STATE, [paused, by])).rows[0];
      if (!paused) await client.query(`SELECT ${notifyDueSql('now()')}`);
      await alongside(client, { before, after });
      return { before, after };
    });
  }
}
