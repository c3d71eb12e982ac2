import { isDatabaseUnavailable } from './prisma-errors';

/** The errors below are the ones the fault suite (bench/faults) saw reach the exception filter. */
describe('isDatabaseUnavailable', () => {
  it('counts a pool that gave no connection in time and an unreachable server', () => {
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('no connection'), { code: 'P2024' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
  });

  it('counts a backend terminated under the query (pg_terminate_backend, a restart)', () => {
    const adapterError = Object.assign(new Error('terminating connection due to administrator command'), {
      name: 'DriverAdapterError',
      cause: { kind: 'postgres', originalCode: '57P01', originalMessage: 'terminating connection due to administrator command' },
    });
    expect(isDatabaseUnavailable(adapterError)).toBe(true);
    const prismaError = Object.assign(
      new Error('\nInvalid `this.prisma.job.findMany()` invocation in\njobs.repository.js:45:29\n\nDatabase error. Code: `57P01`. Message: `…`'),
      { code: 'P2010' },
    );
    expect(isDatabaseUnavailable(prismaError)).toBe(true);
    expect(isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { cause: { originalCode: '08006' } }))).toBe(true);
    // A connection reset under a transaction (ECONNRESET), as the adapter reports it.
    expect(isDatabaseUnavailable(Object.assign(new Error('ConnectionClosed'), { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } }))).toBe(true);
  });

  it('counts a transaction the server aborted to break a deadlock or a serialization conflict (40P01, 40001), which a retry can pass', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { name: 'DriverAdapterError', cause: { kind: 'TransactionWriteConflict', originalCode: '40P01' } }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Transaction failed due to a write conflict or a deadlock. Please retry your transaction'), { code: 'P2034' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Database error. Code: `40001`. Message: `could not serialize access due to concurrent update`'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
  });

  it('counts a write that reached a standby: the old leader of a failover, through the proxy (25006)', () => {
    const pgError = Object.assign(new Error('cannot execute UPDATE in a read-only transaction'), { code: '25006', severity: 'ERROR' });
    expect(isDatabaseUnavailable(pgError)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '25006' } }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Database error. Code: `25006`. Message: `cannot execute INSERT in a read-only transaction`'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('cannot execute INSERT in a read-only transaction'))).toBe(true);
  });

  it('counts a leader killed under the query: 57P01 from pg itself, 08006 and a lost socket', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('the database system is in recovery mode'))).toBe(true);
  });

  it('counts a transaction that got no connection in time while the leader changed (P2028, seen in the failover scenario)', () => {
    const message = '\nInvalid `prisma.job.findMany()` invocation:\n\n\nTransaction API error: Unable to start a transaction in the given time.';
    expect(isDatabaseUnavailable(Object.assign(new Error(message), { code: 'P2028' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Transaction API error: Transaction already closed'), { code: 'P2028' }))).toBe(false);
  });

  it('does not count errors of the query itself', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { cause: { originalCode: '23505' } }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { cause: { kind: 'UniqueConstraintViolation' } }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Database error. Code: `42P01`. Message: `relation "x" does not exist`'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { cause: { originalCode: '25P02' } }))).toBe(false);
    expect(isDatabaseUnavailable('a string')).toBe(false);
  });
});
