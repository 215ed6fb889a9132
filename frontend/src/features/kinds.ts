// The registry of business kinds: everything the generic SPA (case pages,
// workbench, routes and menu) needs from a kind, one line per kind. A kind
// lives in its own folder, features/<kind>/ (DESIGN.md "Cases and
// workflows"); its details fragment is spread once in kinds.graphql.
import { use, type ComponentType, type ReactNode } from 'react';
import type { CaseActionName, CaseDetailFragment, CaseKind } from '../graphql/generated/graphql';
import type { AppRoute } from '../app/routes';
import type { StepProps } from './case/steps';
import { birth } from './birth';
import { migration } from './migration';
import { infoCertificate, matterCertificate } from './certificate';
import { idCard } from './idcard';

/** KindParts are what the case page needs from a kind, in a chunk of their own (features/<kind>/parts.tsx). */
export interface KindParts {
  /** The kind's panel on the case page: what only the kind knows (Case.details). */
  Detail: ComponentType<{ c: CaseDetailFragment }>;
  /** One component per step a user takes (its button and dialog), by the name availableActions uses. */
  steps: Partial<Record<CaseActionName, ComponentType<StepProps>>>;
  /** The step shown as the primary button among those available now. */
  mainStep: (c: CaseDetailFragment) => CaseActionName | undefined;
}

/** KindModule is a business kind as the SPA knows it: light, so that the first screen loads none of the kinds' pages. */
export interface KindModule {
  /** Loads the kind's case-page parts: `() => import('./parts').then((m) => m.xParts)`. */
  parts: () => Promise<KindParts>;
  /** The intake page: its route with menu entry and access key (lib/access.ts). */
  intake: AppRoute & Required<Pick<AppRoute, 'menu' | 'access'>>;
  /** A page open without login (such as a certificate's public verification), outside the signed-in layout. */
  publicPage?: { path: string; element: ReactNode };
  /** Where a portal's online application of the kind is completed when the counter captures something (3.1.4: the ID card's photo and fingers); without it the queue accepts it at once. */
  onlineCompletion?: (applicationId: string) => string;
}

/** kinds maps each CaseKind to its module; the type makes a new kind in the schema a compile error until it is added. */
export const kinds: Record<CaseKind, KindModule> = {
  BIRTH: birth,
  MIGRATION: migration,
  INFO_CERT: infoCertificate,
  MATTER_CERT: matterCertificate,
  ID_CARD: idCard,
};

const loading = new Map<CaseKind, Promise<KindParts>>();
const loaded = new Map<CaseKind, KindParts>();

/** loadKindParts loads a kind's case-page parts once; a failed load (a lost connection) is tried again next time. */
export function loadKindParts(kind: CaseKind): Promise<KindParts> {
  let p = loading.get(kind);
  if (!p) {
    p = kinds[kind].parts().then(
      (parts) => {
        loaded.set(kind, parts);
        return parts;
      },
      (e: unknown) => {
        loading.delete(kind);
        throw e;
      },
    );
    loading.set(kind, p);
  }
  return p;
}

/** useKindParts returns a kind's case-page parts, suspending the first time until their chunk has loaded. */
export function useKindParts(kind: CaseKind): KindParts {
  return loaded.get(kind) ?? use(loadKindParts(kind));
}
