import { en } from './en.js';
import { zhCN } from './zh-cn.js';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

const DICTIONARIES: Record<Language, Record<string, string>> = { en: { ...en }, 'zh-CN': { ...zhCN } };

/**
 * Adds a module's UI strings (each module keeps its own `<domain>.i18n.ts`). Both languages must
 * have the same keys; a missing translation is a start-up error, not a blank on screen.
 */
export function defineMessages<K extends string>(english: Record<K, string>, chinese: Record<K, string>): void {
  const missing = Object.keys(english).filter((key) => !(key in chinese));
  if (missing.length > 0) throw new Error(`missing zh-CN translations: ${missing.join(', ')}`);
  Object.assign(DICTIONARIES.en, english);
  Object.assign(DICTIONARIES['zh-CN'], chinese);
}

/** Every key known in a language (for completeness tests). */
export function messageKeys(language: Language): string[] {
  return Object.keys(DICTIONARIES[language]);
}

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** The user's saved language wins; otherwise the best match of the browser's Accept-Language. */
export function pickLanguage(saved: string | undefined, acceptLanguage: string | undefined): Language {
  if (saved && isLanguage(saved)) return saved;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export function translate(language: Language, key: string): string {
  return DICTIONARIES[language][key] ?? DICTIONARIES.en[key] ?? key;
}
