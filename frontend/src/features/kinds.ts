// The registry of business kinds: everything the generic SPA (case pages,
// workbench, routes and menu) needs from a kind, one line per kind. A kind
// lives in its own folder, features/<kind>/ (DESIGN.md "Cases and
// workflows"); its details fragment is spread once in kinds.graphql.
import type { ComponentType, ReactNode } from 'react';
import type { CaseActionName, CaseDetailFragment, CaseKind } from '../graphql/generated/graphql';
import type { AppRoute } from '../app/routes';
import type { StepProps } from './case/steps';
import { birth } from './birth';
import { migration } from './migration';
import { infoCertificate, matterCertificate } from './certificate';

/** KindModule is a business kind as the SPA knows it. */
export interface KindModule {
  /** The kind's panel on the case page: what only the kind knows (Case.details). */
  Detail: ComponentType<{ c: CaseDetailFragment }>;
  /** One component per step a user takes (its button and dialog), by the name availableActions uses. */
  steps: Partial<Record<CaseActionName, ComponentType<StepProps>>>;
  /** The step shown as the primary button among those available now. */
  mainStep: (c: CaseDetailFragment) => CaseActionName | undefined;
  /** The intake page: its route with menu entry and access key (lib/access.ts). */
  intake: AppRoute & Required<Pick<AppRoute, 'menu' | 'access'>>;
  /** A page open without login (such as a certificate's public verification), outside the signed-in layout. */
  publicPage?: { path: string; element: ReactNode };
}

/** kinds maps each CaseKind to its module; the type makes a new kind in the schema a compile error until it is added. */
export const kinds: Record<CaseKind, KindModule> = {
  BIRTH: birth,
  MIGRATION: migration,
  INFO_CERT: infoCertificate,
  MATTER_CERT: matterCertificate,
};
