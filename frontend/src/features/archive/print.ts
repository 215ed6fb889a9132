// Printing archives (1.4.17).
import type { ArchiveHitInfoFragment, FileLinkInfoFragment } from '../../graphql/generated/graphql';
import { paths } from '../../app/paths';
import { openForPrint } from '../../lib/files';

/**
 * printArchives prints archives (1.4.17): the images together in the print
 * view (a page each, at their own size), each PDF in the browser's viewer.
 */
export function printArchives(hits: Pick<ArchiveHitInfoFragment, 'file'>[], links: Map<string, FileLinkInfoFragment>) {
  const images = hits
    .filter((h) => h.file.contentType !== 'application/pdf')
    .map((h) => (h.file.pages > 1 ? `${h.file.id}*${h.file.pages}` : h.file.id));
  if (images.length > 0) window.open(paths.archivePrint(images), '_blank', 'noopener');
  for (const h of hits) {
    const l = links.get(h.file.id);
    if (h.file.contentType === 'application/pdf' && l) openForPrint(l.url);
  }
}

