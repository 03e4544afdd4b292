/** Comma-separated recipient lists, as typed in forms and stored in dispatch_alert.recipients. */

export const MAX_RECIPIENTS = 50;
const EMAIL = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+$/;

export const isEmail = (text: string) => text.length <= 254 && EMAIL.test(text);

export function splitRecipients(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,;\s]+/)
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    ),
  ];
}

/** Why a list of mail recipients is not usable, or null. `required` = at least one. */
export function emailListProblem(text: string, required: boolean): string | null {
  if (text.length > 2000) return 'must be at most 2000 characters';
  const addresses = splitRecipients(text);
  if (required && addresses.length === 0) return 'needs at least one email address';
  if (addresses.length > MAX_RECIPIENTS) return `at most ${MAX_RECIPIENTS} addresses`;
  const bad = addresses.find((address) => !isEmail(address));
  return bad === undefined ? null : `"${bad}" is not an email address`;
}

/** Free text for webhooks (e.g. names to mention): no control characters. */
export function mentionListProblem(text: string): string | null {
  if (text.length > 2000) return 'must be at most 2000 characters';
  return /\p{Cc}/u.test(text) ? 'must not contain control characters' : null;
}

/** The stored form: addresses joined by ", ". */
export const normaliseRecipients = (text: string, email: boolean) =>
  email ? splitRecipients(text).join(', ') : text.trim();
