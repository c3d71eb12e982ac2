// Lets plain Node run the fault suite's TypeScript, and the test support and sources it reuses,
// without a build step (`node -r ./bench/faults/register.js bench/faults/run.ts`): each .ts file is
// compiled to CommonJS in memory by @swc/core, with the options Jest uses for the tests.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
