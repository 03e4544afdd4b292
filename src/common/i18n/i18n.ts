import { en, type MessageKey } from './en.js';
import { zhCN } from './zh-cn.js';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

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
  const dictionary = DICTIONARIES[language] as Record<string, string>;
  return dictionary[key] ?? (en as Record<string, string>)[key] ?? key;
}
