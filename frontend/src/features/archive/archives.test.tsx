import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import {
  ArchiveMaterialTypesDocument,
  ArchiveOfficesDocument,
  DeleteArchiveDocument,
  FileLinksDocument,
  RestoreArchiveDocument,
  SearchArchivesDocument,
  SetArchiveRestrictionDocument,
  type ArchiveHitInfoFragment,
  type ArchiveSearchInput,
  type DeleteArchiveMutation,
  type DeleteArchiveMutationVariables,
  type FileLinksQuery,
  type FileLinksQueryVariables,
  type ManagedArchiveFragment,
  type RestoreArchiveMutation,
  type RestoreArchiveMutationVariables,
  type Role,
  type SearchArchivesQuery,
  type SearchArchivesQueryVariables,
  type SetArchiveRestrictionMutation,
  type SetArchiveRestrictionMutationVariables,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { caseFile, signedInStore } from '../../test/fixtures';
import { ArchivesPage, toSearch } from './ArchivesPage';

function archive(over: Partial<ManagedArchiveFragment>): ManagedArchiveFragment {
  return { ...caseFile({}), valid: true, restriction: 'NONE', deleteReason: '', updatedAt: '2026-11-25T09:30:00Z', ...over };
}

function hit(file: ManagedArchiveFragment, materialName = '出生医学证明'): ArchiveHitInfoFragment {
  return {
    __typename: 'ArchiveHit',
    materialName,
    file,
    case: {
      __typename: 'Case',
      id: 'Q2FzZTox',
      kind: 'BIRTH',
      collabNo: 'XT2026112500001',
      status: 'DRAFT',
      office: { __typename: 'Office', code: '211103000100', name: '兴隆台派出所' },
    },
  };
}

const free = archive({ id: 'a1', name: '出生医学证明.jpg' });
const noDelete = archive({ id: 'a2', name: '身份证.jpg', materialCode: 'PARENT_ID', restriction: 'NO_DELETE', version: 3 });
const gone = archive({ id: 'a3', name: '作废.jpg', valid: false, deleteReason: '拍摄模糊', version: 2 });

function searchMock(search: ArchiveSearchInput, hits: ArchiveHitInfoFragment[], uses = Number.POSITIVE_INFINITY) {
  return typedMock<SearchArchivesQuery, SearchArchivesQueryVariables>({
    request: { query: SearchArchivesDocument, variables: { search, first: 20, after: null } },
    maxUsageCount: uses,
    result: {
      data: {
        __typename: 'Query',
        searchArchives: {
          __typename: 'ArchiveConnection',
          edges: hits.map((node) => ({ __typename: 'ArchiveEdge' as const, cursor: `c-${node.file.id}`, node })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        },
      },
    },
  });
}

function linksMock(ids: string[]) {
  return typedMock<FileLinksQuery, FileLinksQueryVariables>({
    request: { query: FileLinksDocument, variables: { ids } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        fileLinks: ids.map((id) => ({
          __typename: 'FileLink' as const,
          id,
          url: `/files/${id}?sig=s-${id}`,
          thumbnailUrl: `/files/${id}/thumbnail?sig=s-${id}`,
          downloadUrl: `/files/${id}?sig=s-${id}&download=1`,
          expiresAt: '2026-11-25T09:35:00Z',
        })),
      },
    },
  });
}

const choices = [
  typedMock({
    request: { query: ArchiveMaterialTypesDocument },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        archiveMaterialTypes: [
          { __typename: 'ArchiveMaterialType', code: 'BIRTH_CERT', name: '出生医学证明' },
          { __typename: 'ArchiveMaterialType', code: 'PARENT_ID', name: '父母身份证' },
        ],
      },
    },
  }),
  typedMock({
    request: { query: ArchiveOfficesDocument },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: { data: { __typename: 'Query', offices: [{ __typename: 'Office', code: '211103000100', name: '兴隆台派出所', level: 'POLICE_STATION' }] } },
  }),
];

function renderPage(roles: Role[], mocks: Parameters<typeof renderWithProviders>[1]) {
  return renderWithProviders(<ArchivesPage />, [...choices, ...mocks], signedInStore(roles));
}

describe('toSearch', () => {
  it('keeps only the conditions given, trimmed, with the ID number in upper case and dates as days', () => {
    expect(
      toSearch({
        kind: 'BIRTH',
        collabNo: '  ',
        personName: ' 张三 ',
        personIdNumber: '13010219900506123x',
        dates: [dayjs('2026-11-01'), null],
        status: 'DELETED',
        restriction: 'NO_MODIFY',
      }),
    ).toEqual({ kind: 'BIRTH', personName: '张三', personIdNumber: '13010219900506123X', from: '2026-11-01', status: 'DELETED', restriction: 'NO_MODIFY' });
    expect(toSearch({})).toEqual({});
  });
});

describe('ArchivesPage', () => {
  it('lists valid archives at first, with thumbnails through signed links, flags and the case', async () => {
    renderPage(['CLERK'], [searchMock({ status: 'VALID' }, [hit(free), hit(noDelete, '父母身份证')]), linksMock(['a1', 'a2'])]);
    const table = await screen.findByTestId('archive-results');
    expect(await within(table).findAllByText('XT2026112500001', {}, { timeout: 3000 })).toHaveLength(2);
    expect(within(table).getByText('父母身份证')).toBeInTheDocument();
    expect(within(table).getByText('禁止删除')).toBeInTheDocument();
    const img = within(table).getByRole('img', { name: '出生医学证明.jpg' });
    await waitFor(() => expect(img).toHaveAttribute('src', '/files/a1/thumbnail?sig=s-a1'));
  });

  it('searches by person and status, and finds deleted archives', async () => {
    const user = userEvent.setup();
    renderPage(['ARCHIVIST'], [
      searchMock({ status: 'VALID' }, [hit(free)]),
      linksMock(['a1']),
      searchMock({ personName: '张三', status: 'DELETED' }, [hit(gone)]),
      linksMock(['a3']),
    ]);
    await screen.findByText('XT2026112500001', {}, { timeout: 3000 });
    await user.type(screen.getByLabelText('姓名'), '张三');
    await user.click(screen.getByLabelText('状态'));
    await user.click(await screen.findByTitle('已删除'));
    await user.click(screen.getByRole('button', { name: /查\s*询/ }));
    expect(await screen.findByText('作废.jpg')).toBeInTheDocument();
    expect(within(screen.getByTestId('archive-results')).getByText('已删除')).toBeInTheDocument();
  });

  it('disables what a flag forbids, for everyone, and offers flags only to archivists', async () => {
    const user = userEvent.setup();
    renderPage(['CLERK'], [searchMock({ status: 'VALID' }, [hit(noDelete, '父母身份证')]), linksMock(['a2'])]);
    await user.click(await screen.findByTestId('archive-open-a2', {}, { timeout: 3000 }));
    const drawer = await screen.findByTestId('archive-detail');
    expect(within(drawer).getByRole('button', { name: /删\s*除/ })).toBeDisabled();
    expect(within(drawer).getByRole('button', { name: /修改材料类型/ })).toBeEnabled();
    expect(within(drawer).getByRole('button', { name: /更换图像/ })).toBeEnabled();
    expect(within(drawer).queryByRole('combobox', { name: '设置限制标志' })).not.toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: /打开案件/ })).toBeEnabled();
  });

  it('deletes with a required reason, then reloads the search', async () => {
    const user = userEvent.setup();
    let deleted = false;
    const del = typedMock<DeleteArchiveMutation, DeleteArchiveMutationVariables>({
      request: { query: DeleteArchiveDocument, variables: { id: 'a1', version: 1, reason: '重复拍摄' } },
      result: () => {
        deleted = true;
        return { data: { __typename: 'Mutation', deleteArchive: { ...free, valid: false, deleteReason: '重复拍摄', version: 2 } } };
      },
    });
    renderPage(['CLERK'], [searchMock({ status: 'VALID' }, [hit(free)], 1), linksMock(['a1']), del, searchMock({ status: 'VALID' }, [])]);
    await user.click(await screen.findByTestId('archive-open-a1', {}, { timeout: 3000 }));
    const drawer = await screen.findByTestId('archive-detail');
    await user.click(within(drawer).getByRole('button', { name: /删\s*除/ }));
    await waitFor(() => expect(screen.getAllByRole('dialog').map((d) => d.textContent ?? '').join('|')).toContain('删除档案'));
    const dialog = screen.getAllByRole('dialog').find((d) => (d.textContent ?? '').includes('删除档案') && !(d.textContent ?? '').includes('档案详情'))!;
    await user.click(within(dialog).getByRole('button', { name: /删\s*除/ }));
    expect(await within(dialog).findByText('请填写删除原因')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('原因'), '重复拍摄');
    await user.click(within(dialog).getByRole('button', { name: /删\s*除/ }));
    await waitFor(() => expect(deleted).toBe(true));
    expect(await screen.findByText('档案已删除')).toBeInTheDocument();
  });

  it('restores a deleted archive and sets a flag as an archivist', async () => {
    const user = userEvent.setup();
    let restored = false;
    let flagged = false;
    const restore = typedMock<RestoreArchiveMutation, RestoreArchiveMutationVariables>({
      request: { query: RestoreArchiveDocument, variables: { id: 'a3', version: 2, reason: '误删' } },
      result: () => {
        restored = true;
        return { data: { __typename: 'Mutation', restoreArchive: { ...gone, valid: true, deleteReason: '', version: 3 } } };
      },
    });
    const flag = typedMock<SetArchiveRestrictionMutation, SetArchiveRestrictionMutationVariables>({
      request: { query: SetArchiveRestrictionDocument, variables: { id: 'a3', version: 3, restriction: 'NO_DELETE_NO_MODIFY' } },
      result: () => {
        flagged = true;
        return { data: { __typename: 'Mutation', setArchiveRestriction: { ...gone, valid: true, deleteReason: '', restriction: 'NO_DELETE_NO_MODIFY', version: 4 } } };
      },
    });
    const back = { ...gone, valid: true, deleteReason: '', version: 3 };
    renderPage(['ARCHIVIST'], [
      searchMock({ status: 'VALID' }, [hit(gone)], 1),
      searchMock({ status: 'VALID' }, [hit(back)], 1),
      searchMock({ status: 'VALID' }, [hit({ ...back, restriction: 'NO_DELETE_NO_MODIFY', version: 4 })]),
      linksMock(['a3']),
      restore,
      flag,
    ]);
    await user.click(await screen.findByTestId('archive-open-a3', {}, { timeout: 3000 }));
    const drawer = await screen.findByTestId('archive-detail');
    expect(within(drawer).getByTestId('archive-deleted-note')).toHaveTextContent('拍摄模糊');
    await user.click(within(drawer).getByRole('button', { name: /恢\s*复/ }));
    await waitFor(() => expect(screen.getAllByRole('dialog').map((d) => d.textContent ?? '').join('|')).toContain('恢复档案'));
    const dialog = screen.getAllByRole('dialog').find((d) => (d.textContent ?? '').includes('恢复档案') && !(d.textContent ?? '').includes('档案详情'))!;
    await user.type(within(dialog).getByLabelText('恢复原因（选填）'), '误删');
    await user.click(within(dialog).getByRole('button', { name: /恢\s*复/ }));
    await waitFor(() => expect(restored).toBe(true));
    // The restored archive's drawer closes with the change; it opens again from the results.
    await waitFor(() => expect(screen.queryByTestId('archive-detail')).not.toBeInTheDocument());
    // The closing dialog keeps the page inert (pointer-events: none) until its animation ends: retry the click.
    const openAgain = await screen.findByTestId('archive-open-a3');
    await waitFor(() => user.click(openAgain), { timeout: 3000 });
    const again = await screen.findByTestId('archive-detail');
    await waitFor(() => expect(within(again).getByRole('button', { name: /删\s*除/ })).toBeEnabled());
    const drawer2 = again;
    await user.click(within(drawer2).getByRole('combobox', { name: '设置限制标志' }));
    await user.click(await screen.findByTitle('禁止删除和修改'));
    await user.click(within(drawer2).getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(flagged).toBe(true));
    await waitFor(() => expect(within(drawer2).getByRole('button', { name: /删\s*除/ })).toBeDisabled());
  });
});
