// Uploads one file with a GraphQL mutation over the GraphQL multipart request
// spec (operations, map, file parts) — the one transport the Apollo HTTP link
// does not speak. Errors come back as CombinedGraphQLErrors so lib/errors.ts
// handles them like any other operation's.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { print, type FormattedExecutionResult } from 'graphql';

/** multipartBody builds the spec's form: operations (file variable null), map, and the file as part "0". */
export function multipartBody<TVars extends Record<string, unknown>, F extends keyof TVars & string>(
  query: string,
  variables: Omit<TVars, F>,
  fileVar: F,
  file: Blob,
  filename: string,
): FormData {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, [fileVar]: null } }));
  form.append('map', JSON.stringify({ '0': [`variables.${fileVar}`] }));
  form.append('0', file, filename);
  return form;
}

/** uploadMutation posts document with file in variable fileVar and returns its data. */
export async function uploadMutation<TData, TVars extends Record<string, unknown>, F extends keyof TVars & string>(
  document: TypedDocumentNode<TData, TVars>,
  variables: Omit<TVars, F>,
  fileVar: F,
  file: Blob,
  filename: string,
  token: string | undefined,
): Promise<TData> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    body: multipartBody<TVars, F>(print(document), variables, fileVar, file, filename),
  });
  const bodyText = await res.text();
  let body: FormattedExecutionResult<TData>;
  try {
    body = JSON.parse(bodyText) as FormattedExecutionResult<TData>;
  } catch {
    throw new ServerError('upload failed', { response: res, bodyText });
  }
  if (body.errors?.length) throw new CombinedGraphQLErrors(body);
  if (!body.data) throw new ServerError('upload failed', { response: res, bodyText });
  return body.data;
}
