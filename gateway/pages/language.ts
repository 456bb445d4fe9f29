/**
 * Which language a page speaks: an explicit `lang` (query or form field) wins,
 * then the browser's Accept-Language (q-values honoured), then Chinese — the
 * pages serve WeChat users in mainland China.
 */
import { CONSENT_LANGUAGES, type ConsentLanguage } from '../consent/config';

export const DEFAULT_LANGUAGE: ConsentLanguage = 'zh-CN';

/** `value` if it names a supported language exactly, else undefined. */
export function explicitLanguage(value: unknown): ConsentLanguage | undefined {
  return typeof value === 'string' && (CONSENT_LANGUAGES as readonly string[]).includes(value) ? (value as ConsentLanguage) : undefined;
}

/** The best supported language for an Accept-Language header. */
export function languageFromHeader(header: string | undefined): ConsentLanguage {
  if (!header) return DEFAULT_LANGUAGE;
  const ranked = header
    .slice(0, 512)
    .split(',')
    .map((part, position) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), position };
    })
    .filter((entry) => entry.tag !== '' && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.position - b.position);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return DEFAULT_LANGUAGE;
}

/** The page language: explicit choice, else Accept-Language. */
export function pageLanguage(explicit: unknown, acceptLanguage: string | undefined): ConsentLanguage {
  return explicitLanguage(explicit) ?? languageFromHeader(acceptLanguage);
}
