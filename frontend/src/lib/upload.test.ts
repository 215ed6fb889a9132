import { describe, expect, it } from 'vitest';
import { multipartBody } from './upload';

describe('multipartBody', () => {
  it('follows the GraphQL multipart request spec', async () => {
    const file = new File(['png-bytes'], '出生医学证明.png', { type: 'image/png' });
    const form = multipartBody(
      'mutation M($caseId: ID!, $materialCode: String!, $file: Upload!) { uploadArchive(caseId: $caseId, materialCode: $materialCode, file: $file) { id } }',
      { caseId: 'c1', materialCode: 'BIRTH_CERT', file },
    );
    expect([...form.keys()]).toEqual(['operations', 'map', '0']);
    const ops = JSON.parse(form.get('operations') as string) as { variables: Record<string, unknown> };
    expect(ops.variables).toEqual({ caseId: 'c1', materialCode: 'BIRTH_CERT', file: null });
    expect(JSON.parse(form.get('map') as string)).toEqual({ '0': ['variables.file'] });
    const part = form.get('0');
    expect(part).toBeInstanceOf(File);
    expect((part as File).name).toBe('出生医学证明.png');
    expect(await (part as File).text()).toBe('png-bytes');
  });

  it('finds a file inside an input object', () => {
    const file = new File(['pdf'], 'signed.pdf', { type: 'application/pdf' });
    const form = multipartBody('mutation M($input: ReturnSignedBirthFormInput!) { returnSignedBirthForm(input: $input) { id } }', {
      input: { id: 'c1', version: 4, file },
    });
    const ops = JSON.parse(form.get('operations') as string) as { variables: Record<string, unknown> };
    expect(ops.variables).toEqual({ input: { id: 'c1', version: 4, file: null } });
    expect(JSON.parse(form.get('map') as string)).toEqual({ '0': ['variables.input.file'] });
    expect((form.get('0') as File).name).toBe('signed.pdf');
  });
});
