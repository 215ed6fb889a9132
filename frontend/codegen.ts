import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the server's schema and the named operations in
// src/**/*.graphql. `make generate` runs this; CI fails on a diff, so the
// output must depend only on those inputs.
const config: CodegenConfig = {
  schema: '../graph/schema/*.graphqls',
  ignoreNoDocuments: false,
  generates: {
    'src/graphql/generated/': {
      documents: ['src/**/*.graphql'],
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
    // The sign-in screen's operations alone, so that the first screen loads
    // none of the other documents (graphql.ts holds every one, and whichever
    // chunk imports it first carries all that are used anywhere).
    'src/graphql/generated/shell.ts': {
      documents: ['src/features/auth/auth.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
        nonOptionalTypename: true,
        scalars: { Time: 'string', Date: 'string', Upload: 'File', CaseID: 'string' },
      },
    },
    'src/graphql/generated/possible-types.ts': {
      documents: ['src/**/*.graphql'],
      plugins: ['fragment-matcher'],
      config: { useExplicitTyping: true },
    },
  },
};

export default config;
