// Case file URLs: the server takes the bearer token as ?access_token= where a
// header cannot be sent (<img src>, window.open, download links).

/** fileHref adds the access token (and download=1 to save instead of view) to a /files/… URL. */
export function fileHref(url: string, token: string | undefined, download = false): string {
  const params = new URLSearchParams();
  if (token) params.set('access_token', token);
  if (download) params.set('download', '1');
  const q = params.toString();
  if (!q) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${q}`;
}

/** openForPrint opens a PDF in a new window so the clerk prints it from the browser's viewer. */
export function openForPrint(href: string, target: Window | null = null): void {
  if (target && !target.closed) {
    target.location.href = href;
    return;
  }
  window.open(href, '_blank', 'noopener');
}
