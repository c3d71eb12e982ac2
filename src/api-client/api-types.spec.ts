import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('the generated API types', () => {
  it('are what `npm run client` generates from the committed document', () => {
    const check = () => execFileSync(process.execPath, [resolve(__dirname, '../../scripts/api-client.mjs'), '--check'], { encoding: 'utf8', stdio: 'pipe' });
    expect(check).not.toThrow();
  });
});
