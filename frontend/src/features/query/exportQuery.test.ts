import { describe, expect, it } from 'vitest';
import { exportBody, type ExportRequest } from './exportQuery';

describe('exportBody', () => {
  it('sends only the fields the endpoint takes, without the __typename a saved view’s sort carries', () => {
    const sort = { __typename: 'QuerySort', field: 'updatedAt', descending: true } as ExportRequest['sort'];
    const req: ExportRequest = { source: 'RESIDENT', condition: null, columns: ['name', 'idNumber'], sort, format: 'XLSX' };
    expect(JSON.parse(JSON.stringify(exportBody(req)))).toEqual({
      source: 'RESIDENT',
      condition: null,
      columns: ['name', 'idNumber'],
      sort: { field: 'updatedAt', descending: true },
      format: 'XLSX',
    });
  });
});
