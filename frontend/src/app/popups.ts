// Where antd renders what it shows outside the page's tree (19 item 6: axe's region rule wants all content in a
// landmark). A dialog (Modal, Drawer, the image preview) is its own region and stays at body level, as antd puts
// it: there the page behind it is locked from scrolling. Popups opened from a control (select and picker panels,
// dropdown menus, tooltips, popconfirms) go into one named landmark at the end of the body, where they were placed
// before, so they are positioned exactly as before. Messages go into a polite live region, which is a region to
// axe and is read out by screen readers (antd's messages have no role of their own); notifications (the
// workbench's 新消息 with its link to the case) into a named region that is also a polite live region.
import { zhCN } from '../locales/zh-CN';

/** bodyContainer is the element with id at the end of the body, made with attrs on first use. */
function bodyContainer(id: string, attrs: Record<string, string>): HTMLElement {
  let el = document.getElementById(id);
  if (!el) {
    el = document.createElement('div');
    el.id = id;
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    document.body.appendChild(el);
  }
  return el;
}

/**
 * popupContainer is ConfigProvider's getPopupContainer: the popups landmark for a popup opened from trigger; the
 * body when antd asks without a trigger (Modal, the image preview, notification and message unless set otherwise)
 * or with the body itself (Drawer).
 */
export function popupContainer(trigger?: HTMLElement): HTMLElement {
  if (!trigger || trigger === document.body) return document.body;
  return bodyContainer('hukou-popups', { role: 'region', 'aria-label': zhCN.app.popups });
}

/** messageContainer is the polite live region that App's messages (message.success, …) are shown in. */
export function messageContainer(): HTMLElement {
  return bodyContainer('hukou-messages', { 'aria-live': 'polite' });
}

/** notificationContainer is the named, polite live region that App's notifications are shown in. */
export function notificationContainer(): HTMLElement {
  return bodyContainer('hukou-notifications', { role: 'region', 'aria-label': zhCN.app.notifications, 'aria-live': 'polite' });
}
