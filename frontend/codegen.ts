import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the server's schema and the named operations in
// src/**/*.graphql. `make generate` runs this; CI fails on a diff, so the
// output must depend only on those inputs.
const config: CodegenConfig = {
  schema: '../graph/schema/*.graphqls',
  documents: ['src/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
        nonOptionalTypename: true,
        scalars: { Time: 'string', Date: 'string', Upload: 'File', CaseID: 'string' },
      },
    },
    'src/graphql/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { useExplicitTyping: true },
    },
  },
};

export default config;
