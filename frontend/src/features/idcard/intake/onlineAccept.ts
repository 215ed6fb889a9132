// The input that completes a portal's online ID card application at the
// counter (#18, 3.1.4, 1.1.8).
import type { AcceptOnlineIdCardApplicationInput, FingerprintCaptureInput } from '../../../graphql/generated/graphql';
import { contactInput, type ContactValues } from './ContactFields';

/**
 * onlineAcceptInput is acceptOnlineIdCardApplication's input: the photo and
 * the fingers taken at the counter, and the contact details and note as the
 * clerk confirmed them with the person, normalised as the counter's own
 * intake sends them (contactInput). All of them are sent: the server keeps
 * the portal's value where they are equal and records each one the clerk
 * changed. Whose application it is, its kind and its reason stay the
 * portal's and are not part of it.
 */
export function onlineAcceptInput(
  online: { id: string; version: number },
  values: ContactValues & { reasonNote: string },
  photo: string,
  fingerprints: FingerprintCaptureInput[],
): AcceptOnlineIdCardApplicationInput {
  return { id: online.id, version: online.version, photo, fingerprints, ...contactInput(values), reasonNote: values.reasonNote.trim() };
}
