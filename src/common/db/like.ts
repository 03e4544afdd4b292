/**
 * LIKE with a user's text taken literally, the same on SQLite (no default escape character) and
 * MySQL (backslash by default): always write `LIKE :param ESCAPE '!'`.
 */
export const LIKE_ESCAPE = "ESCAPE '!'";

export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (char) => `!${char}`)}%`;
}
