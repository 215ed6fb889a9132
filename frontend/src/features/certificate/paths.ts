// The certificate kinds' own pages' addresses.

/** matterIntakePath is the matter certificate intake (also the assisted flow of 1.1.5). */
export const matterIntakePath = '/certificates/matter/new';

/** infoIntakePath is the information certificate at the counter (1.1.5). */
export const infoIntakePath = '/certificates/info/new';

/** verifyCertificatePath is the public verification page (no login). */
export const verifyCertificatePath = '/verify';
