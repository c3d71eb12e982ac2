import { parseDueNotice } from './due-notice';

describe('parseDueNotice', () => {
  it('reads the instant in epoch milliseconds', () => {
    expect(parseDueNotice('1796000000123')).toEqual(new Date(1796000000123));
  });

  it('ignores payloads the service never sends', () => {
    expect(parseDueNotice(undefined)).toBeUndefined();
    expect(parseDueNotice('')).toBeUndefined();
    expect(parseDueNotice('soon')).toBeUndefined();
    expect(parseDueNotice('-5')).toBeUndefined();
  });
});
