import { planApply } from './apply-plan';
import { DEFINITION_DEFAULTS, type JobDefinition } from './job-definition';

const job = (name: string, overrides: Partial<JobDefinition> = {}): JobDefinition => ({
  ...DEFINITION_DEFAULTS,
  name,
  schedule: '0 9 * * *',
  params: { level: 'log' },
  ...overrides,
});

describe('planApply', () => {
  it('creates the names it does not know, updates the fields that differ and leaves equal jobs alone', () => {
    const current = [
      { ...job('same'), id: 1 },
      { ...job('moved', { schedule: '0 8 * * *' }), id: 2 },
    ];
    const plan = planApply([job('same'), job('moved'), job('new')], current, false);
    expect(plan).toEqual({
      create: [job('new')],
      update: [{ id: 2, name: 'moved', definition: job('moved'), changes: { schedule: { from: '0 8 * * *', to: '0 9 * * *' } } }],
      delete: [],
      unchanged: ['same'],
    });
  });

  it('compares params by content, not by the order of their keys', () => {
    const current = [{ ...job('http', { params: { url: 'https://example.com', method: 'GET' } }), id: 1 }];
    const plan = planApply([job('http', { params: { method: 'GET', url: 'https://example.com' } })], current, false);
    expect(plan.unchanged).toEqual(['http']);
  });

  it('sees a change of tags, including their order, and of a nested param', () => {
    const current = [{ ...job('a', { tags: ['x', 'y'], params: { headers: { a: '1' } } }), id: 1 }];
    const plan = planApply([job('a', { tags: ['y', 'x'], params: { headers: { a: '2' } } })], current, false);
    expect(Object.keys(plan.update[0].changes).sort()).toEqual(['params', 'tags']);
  });

  it('deletes the jobs the document does not name only with prune', () => {
    const current = [{ ...job('kept'), id: 1 }, { ...job('gone'), id: 2 }];
    expect(planApply([job('kept')], current, false).delete).toEqual([]);
    expect(planApply([job('kept')], current, true).delete).toEqual([{ id: 2, name: 'gone' }]);
    expect(planApply([], current, true).delete.map((entry) => entry.name)).toEqual(['kept', 'gone']);
  });
});
