import type { ReactNode } from 'react';
import { App as AntdApp, ConfigProvider } from 'antd';
// The ESM build of the locale: 'antd/locale/zh_CN' is a CommonJS re-export,
// which an ES module ("type": "module") may receive as { default: locale },
// leaving antd in English (No data, Select date).
import zhCNLocale from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { ApolloProvider } from '@apollo/client/react';
import type { ApolloClient } from '@apollo/client';
import { SessionContext } from './context';
import type { SessionStore } from './session';

dayjs.locale('zh-cn');

/** Users whose system asks for less motion get the UI without animations (WCAG 2.3.3); so do the browser runs. */
const reducedMotion = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

export const theme = {
  token: {
    motion: !reducedMotion,
    colorPrimary: '#1d4f91',
    fontFamily:
      "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif",
    fontSize: 14,
  },
};

/** UiProviders sets the Chinese locale and theme (also used by tests). */
export function UiProviders({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider locale={zhCNLocale} theme={theme} button={{ autoInsertSpace: false }}>
      <AntdApp>{children}</AntdApp>
    </ConfigProvider>
  );
}

export function Providers({ client, store, children }: { client: ApolloClient; store: SessionStore; children: ReactNode }) {
  return (
    <SessionContext.Provider value={store}>
      <ApolloProvider client={client}>
        <UiProviders>{children}</UiProviders>
      </ApolloProvider>
    </SessionContext.Provider>
  );
}
