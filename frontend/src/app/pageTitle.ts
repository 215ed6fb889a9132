// The browser tab's title: the page's name and the product's (19 item 6), so
// that tabs, history and screen readers tell the pages apart.
import { useEffect } from 'react';
import { zhCN } from '../locales/zh-CN';

/** usePageTitle names the document after a page while it is shown. */
export function usePageTitle(page: string | undefined) {
  useEffect(() => {
    document.title = page ? zhCN.app.pageTitle(page) : zhCN.app.fullName;
  }, [page]);
}
