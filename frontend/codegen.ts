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
    // The sign-in and the session's operations again, in a module of their own: the first screen imports them from
    // here, so it loads no other page's operations (each case operation carries every kind's details fragment).
    'src/graphql/generated/session.ts': {
      documents: ['src/features/auth/auth.graphql'],
      plugins: [
        {
          add: {
            content:
              "import type { LoginMutation, LoginMutationVariables, MeQuery, MeQueryVariables, SessionTokensFragment, SessionUserFragment } from './graphql';",
          },
        },
        'typed-document-node',
      ],
      config: { useTypeImports: true },
    },
    'src/graphql/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { useExplicitTyping: true },
    },
  },
};

export default config;
