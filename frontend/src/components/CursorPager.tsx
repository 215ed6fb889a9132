// Keyset paging for connection lists: the cursors of the pages before the
// current one, "first page" and "next page" (the server gives no way back
// but from the start, which is what keyset paging can do cheaply).
import { useCallback, useMemo, useState } from 'react';
import { Button, Space, Typography } from 'antd';
import { zhCN } from '../locales/zh-CN';

export interface Cursors {
  /** The current page's `after` argument. */
  after: string | null;
  atFirst: boolean;
  toFirst: () => void;
  toNext: (endCursor: string) => void;
}

/** useCursors keeps the cursor stack of a list. */
export function useCursors(): Cursors {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const toFirst = useCallback(() => setStack([null]), []);
  const toNext = useCallback((c: string) => setStack((s) => [...s, c]), []);
  return useMemo(() => ({ after: stack[stack.length - 1], atFirst: stack.length <= 1, toFirst, toNext }), [stack, toFirst, toNext]);
}

/** CursorPager shows the page size and the first/next buttons under a list. */
export function CursorPager({
  cursors,
  pageInfo,
  pageSize,
}: {
  cursors: Cursors;
  pageInfo?: { hasNextPage: boolean; endCursor?: string | null } | null;
  pageSize: number;
}) {
  const end = pageInfo?.hasNextPage ? pageInfo.endCursor : null;
  return (
    <Space style={{ marginTop: 16, justifyContent: 'flex-end', width: '100%' }}>
      <Typography.Text type="secondary">{zhCN.caseList.pageSize(pageSize)}</Typography.Text>
      <Button disabled={cursors.atFirst} onClick={cursors.toFirst}>
        {zhCN.caseList.firstPage}
      </Button>
      <Button disabled={!end} onClick={() => end && cursors.toNext(end)}>
        {zhCN.caseList.nextPage}
      </Button>
    </Space>
  );
}
