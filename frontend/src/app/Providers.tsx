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
import { messageContainer, notificationContainer, popupContainer } from './popups';
import type { SessionStore } from './session';

dayjs.locale('zh-cn');

/** Users whose system asks for less motion get the UI without animations (WCAG 2.3.3); so do the browser runs. */
const reducedMotion = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

// WCAG AA contrast (19 item 6): text at least 4.5:1 on the white, #fafafa and #f5f5f5 it stands on. antd's defaults
// fall short: links #1677ff (4.1:1), red #ff4d4f (3.3:1), grey text at 45 % (3.4:1), an empty table's text and other
// months' days at 25 % (1.8:1), status texts and tags in green, orange and gold (1.9–3.4:1, "尚未采集" among them).
const greyText = 'rgba(0, 0, 0, 0.6)'; // 5.6:1 on #f5f5f5
const statusText = { colorSuccess: '#237804', colorWarning: '#ad4e00', colorError: '#cf1322', colorInfo: '#1d4f91' };

export const theme = {
  token: {
    motion: !reducedMotion,
    colorPrimary: '#1d4f91',
    colorLink: '#1d4f91',
    colorLinkHover: '#39689e',
    colorError: '#cf1322',
    colorErrorHover: '#a8071a',
    colorTextTertiary: greyText,
    // The preset tags' text colours (their 7th shade) on their lightest shade: one shade darker.
    green7: '#237804',
    orange7: '#ad4e00',
    gold7: '#874d00',
    cyan7: '#006d75',
    volcano7: '#ad2102',
    lime7: '#3f6600',
    fontFamily:
      "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif",
    fontSize: 14,
  },
  components: {
    // Status tags (success, processing, warning, error) and texts (Typography type, below) write in the status colour.
    Tag: statusText,
    // An empty table's text is not disabled.
    Table: { colorTextDisabled: greyText },
    // Headings follow the page's outline (axe heading-order): h1 the frame's title, h2 a page's title, h3 its
    // sections, h4 their parts; at the sizes the pages were designed with (antd's h3, h5, and body text).
    Typography: {
      colorSuccessText: statusText.colorSuccess,
      colorWarningText: statusText.colorWarning,
      colorErrorText: statusText.colorError,
      fontSizeHeading2: 24,
      lineHeightHeading2: 32 / 24,
      fontSizeHeading3: 16,
      lineHeightHeading3: 24 / 16,
      fontSizeHeading4: 14,
      lineHeightHeading4: 22 / 14,
    },
  },
};

// The date pickers' year and month buttons are named by what they show (2026年, 11月), not 选择年份 (WCAG 2.5.3 label
// in name). The range picker reads the Calendar locale, the single one DatePicker.
const nameByContent = <L extends { lang?: object }>(l: L | undefined): L | undefined =>
  l && { ...l, lang: { ...l.lang, yearSelect: undefined, monthSelect: undefined, decadeSelect: undefined } };
const locale = { ...zhCNLocale, DatePicker: nameByContent(zhCNLocale.DatePicker), Calendar: nameByContent(zhCNLocale.Calendar) };

/** UiProviders sets the Chinese locale and theme (also used by tests). */
export function UiProviders({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider locale={locale} theme={theme} button={{ autoInsertSpace: false }} getPopupContainer={popupContainer}>
      <AntdApp message={{ getContainer: messageContainer }} notification={{ getContainer: notificationContainer }}>{children}</AntdApp>
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
