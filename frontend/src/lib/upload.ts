// Sends a GraphQL mutation with files over the GraphQL multipart request spec
// (operations, map, file parts) — the one transport the Apollo HTTP link does
// not speak. Files may sit anywhere in the variables (input.file); each is
// sent as a part and null in operations. Errors come back as
// CombinedGraphQLErrors so lib/errors.ts handles them like any other
// operation's.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { print, type FormattedExecutionResult } from 'graphql';

/** extractFiles returns variables with every File replaced by null, and the files by their dotted path. */
export function extractFiles(value: unknown, path = 'variables'): { clone: unknown; files: [string, File][] } {
  if (value instanceof File) return { clone: null, files: [[path, value]] };
  if (Array.isArray(value)) {
    const files: [string, File][] = [];
    const clone = value.map((v: unknown, i) => {
      const r = extractFiles(v, `${path}.${i}`);
      files.push(...r.files);
      return r.clone;
    });
    return { clone, files };
  }
  if (value !== null && typeof value === 'object') {
    const files: [string, File][] = [];
    const clone: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = extractFiles(v, `${path}.${k}`);
      files.push(...r.files);
      clone[k] = r.clone;
    }
    return { clone, files };
  }
  return { clone: value, files: [] };
}

/** multipartBody builds the spec's form: operations (files null), map, and each file as part "0", "1", …. */
export function multipartBody(query: string, variables: Record<string, unknown>): FormData {
  const { clone, files } = extractFiles(variables);
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: clone }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map(([path], i) => [String(i), [path]]))));
  files.forEach(([, file], i) => form.append(String(i), file, file.name));
  return form;
}

/** uploadMutation posts document with its variables, files included, and returns its data. */
export async function uploadMutation<TData, TVars extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  token: string | undefined,
): Promise<TData> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    body: multipartBody(print(document), variables),
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
